namespace Platform.Topology.Files;

/// <summary>A new directory with a unique name inside a given one (the BCL's own makes them only under the system temp folder).</summary>
public static class UniqueDirectory
{
    /// <summary>Creates <paramref name="parent"/>/<paramref name="prefix"/>XXXXXX, never one that exists, and returns its path.</summary>
    public static string Create(string parent, string prefix)
    {
        PrivateDirectory.Create(parent);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var path = Path.Combine(parent, prefix + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal)[..6]);
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                PrivateDirectory.Create(path);
                return path;
            }
        }

        throw new IOException($"no unused directory name for {prefix} in {parent} after 100 attempts");
    }
}
