namespace Platform.Topology.Files;

/// <summary>
/// A file_sd targets file: one group of <c>host:port</c> targets, optionally labelled. Prometheus re-reads
/// it when it changes, so a new set of replicas needs no restart.
/// </summary>
public static class PrometheusTargets
{
    public static string Json(IEnumerable<string> targets, IReadOnlyDictionary<string, string>? labels = null) =>
        JsonFiles.Serialize(new[] { new TargetGroup([.. targets], labels) });

    /// <summary>The host exporter's group, labelled with the mount point of the filesystem holding the data, which the disk-space alert watches.</summary>
    public static string NodeJson(string target, string dataMountPoint) =>
        Json([target], new Dictionary<string, string> { ["data_mountpoint"] = dataMountPoint });

    /// <summary>The mount point of the filesystem that holds <paramref name="path"/>: the longest mount point above it.</summary>
    public static string MountPointOf(string path)
    {
        var full = Path.GetFullPath(path);
        return File.ReadLines("/proc/self/mounts")
            .Select(line => line.Split(' ')[1].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(mount => full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(mount => mount.Length) ?? "/";
    }

    private sealed record TargetGroup(
        [property: System.Text.Json.Serialization.JsonPropertyName("targets")] IReadOnlyList<string> Targets,
        [property: System.Text.Json.Serialization.JsonPropertyName("labels")] IReadOnlyDictionary<string, string>? Labels);
}
