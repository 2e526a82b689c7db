namespace Platform.Topology.Services;

/// <summary>
/// Finds the servers' programs. mariadbd and mariadb-install-db live in /usr/sbin, which a non-root
/// PATH often lacks, so the usual system directories are searched after PATH.
/// </summary>
public static class Binaries
{
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin"];

    /// <summary>The Debian packages the platform's servers come from, by the program that must be found.</summary>
    public static IReadOnlyDictionary<string, string> ServerPackages { get; } = new Dictionary<string, string>
    {
        [MariaDbService.Server] = "mariadb-server",
        [MariaDbService.InstallDb] = "mariadb-server",
        [MariaDbBackupService.Backup] = "mariadb-backup",
        [MariaDbBackupService.Binlog] = "mariadb-client",
        [MariaDbBackupService.Client] = "mariadb-client",
        [RedisService.Server] = "redis-server",
        [PrometheusService.Server] = "prometheus",
        [PrometheusService.Checker] = "prometheus",
        [AlertmanagerService.Server] = "prometheus-alertmanager",
        [AlertmanagerService.Checker] = "prometheus-alertmanager",
        [ExporterServices.Node] = "prometheus-node-exporter",
        [ExporterServices.Mysqld] = "prometheus-mysqld-exporter",
        [ExporterServices.Redis] = "prometheus-redis-exporter",
    };

    /// <summary>Where the directories searched are listed in messages.</summary>
    public static string SearchedDirectories => "PATH, " + string.Join(", ", SystemDirectories);

    /// <summary>The full path of <paramref name="program"/>, or null when it is on neither PATH nor a system directory.</summary>
    public static string? Find(string program)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The full path of <paramref name="program"/>.</summary>
    /// <exception cref="PlatformException">It is not installed.</exception>
    public static string Require(string program) =>
        Find(program) ?? throw new PlatformException(
            $"'{program}' is not installed (looked on {SearchedDirectories})"
            + (ServerPackages.TryGetValue(program, out var package) ? $"; it comes with the Debian package {package}, which './platform up' installs" : ""));

    /// <summary>The dotnet host: the one running this process when it is dotnet, else the SDK's own, else PATH's.</summary>
    public static string Dotnet()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (System.Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Find("dotnet") ?? "dotnet";
    }
}
