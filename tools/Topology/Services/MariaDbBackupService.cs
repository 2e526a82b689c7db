namespace Platform.Topology.Services;

/// <summary>
/// The MariaDB tools backup and restore run: <c>mariadb-backup</c> (hot physical copies of InnoDB, with the
/// binary-log position they are consistent with), <c>mariadb-binlog</c> (reads binary logs back as SQL) and the
/// <c>mariadb</c> client that applies it. root logs in through the socket only, as everywhere, its password
/// in the environment (<see cref="MariaDbService.ClientEnvironment"/>), never on the command line.
/// </summary>
public static class MariaDbBackupService
{
    public const string Backup = "mariadb-backup";
    public const string Binlog = "mariadb-binlog";
    public const string Client = "mariadb";

    /// <summary>A full backup of the server <paramref name="root"/> logs in to, into <paramref name="target"/>.</summary>
    public static ServiceCommand Full(MariaDbRoot root, string target) => new(
        Binaries.Require(Backup), ["--backup", "--user=root", $"--socket={root.Socket}", $"--target-dir={target}"], MariaDbService.ClientEnvironment(root));

    /// <summary>The pages changed since the backup in <paramref name="baseDirectory"/>, into <paramref name="target"/>.</summary>
    public static ServiceCommand Incremental(MariaDbRoot root, string target, string baseDirectory) => new(
        Binaries.Require(Backup), ["--backup", "--user=root", $"--socket={root.Socket}", $"--target-dir={target}", $"--incremental-basedir={baseDirectory}"],
        MariaDbService.ClientEnvironment(root));

    /// <summary>Makes a full backup consistent (crash recovery on the copy), or applies one incremental to it.</summary>
    public static ServiceCommand Prepare(string target, string? incremental = null) => new(
        Binaries.Require(Backup),
        incremental is null ? ["--prepare", $"--target-dir={target}"] : ["--prepare", $"--target-dir={target}", $"--incremental-dir={incremental}"]);

    /// <summary>Moves a prepared backup into an empty data directory (the scratch copy is ours to consume).</summary>
    public static ServiceCommand MoveBack(string target, string dataDirectory) => new(
        Binaries.Require(Backup), ["--move-back", $"--target-dir={target}", $"--datadir={dataDirectory}"]);

    /// <summary>
    /// The events of <paramref name="files"/> as SQL, from byte <paramref name="startPosition"/> of the first
    /// file, up to <paramref name="stopDatetime"/> (exclusive, UTC) or <paramref name="stopGtid"/> (inclusive).
    /// TZ=UTC: mariadb-binlog reads --stop-datetime in the local time zone.
    /// </summary>
    public static ServiceCommand Replay(IReadOnlyList<string> files, long startPosition, DateTime? stopDatetime, string? stopGtid)
    {
        var arguments = new List<string> { $"--start-position={startPosition.ToString(System.Globalization.CultureInfo.InvariantCulture)}" };
        if (stopDatetime is { } stop)
        {
            arguments.Add($"--stop-datetime={stop.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (stopGtid is not null)
        {
            arguments.Add($"--stop-position={stopGtid}");
        }

        arguments.AddRange(files);
        return new(Binaries.Require(Binlog), arguments, new Dictionary<string, string> { ["TZ"] = "UTC" });
    }

    /// <summary>The client that applies <see cref="Replay"/>'s SQL as <paramref name="root"/>.</summary>
    public static ServiceCommand Apply(MariaDbRoot root) => new(
        Binaries.Require(Client), ["--user=root", $"--socket={root.Socket}", "--binary-mode"], MariaDbService.ClientEnvironment(root));
}
