namespace Platform.Topology;

/// <summary>The checkout a program was built from: the folder holding Platform.sln, above its build output.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() => Find(AppContext.BaseDirectory));

    /// <summary>The checkout this program runs from.</summary>
    public static string Path => Root.Value;

    /// <summary>A path inside the repository, e.g. <c>Combine("api", "Database", "mariadb.cnf")</c>.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds Platform.sln.</summary>
    public static string Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Platform.sln above {start}: run from a build inside the repository.");
    }
}
