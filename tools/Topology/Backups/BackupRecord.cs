using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Topology.Files;

namespace Platform.Topology.Backups;

/// <summary>
/// One backup as restore needs it, kept beside it in <c>backup.json</c>: what kind, when it finished (UTC), the
/// InnoDB log range it covers (an incremental must start where the one before it ended) and the binary-log
/// position its data is consistent with, and the binary logs it saved.
/// </summary>
public sealed record BackupRecord(
    string Kind,
    DateTime StartedAt,
    DateTime FinishedAt,
    ulong FromLsn,
    ulong ToLsn,
    string BinlogFile,
    long BinlogPosition,
    string Gtid,
    IReadOnlyList<string> Binlogs,
    long Bytes,
    double Seconds)
{
    public const string Full = "full";
    public const string Incremental = "incremental";

    /// <summary>The manifest's name in a backup's directory; a directory without it is not a finished backup.</summary>
    public const string FileName = "backup.json";

    /// <summary>mariadb-backup's copy of the data, beside <see cref="BinlogsDirectory"/> in each backup.</summary>
    public const string DataDirectory = "data";

    public const string BinlogsDirectory = "binlogs";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The number of <see cref="BinlogFile"/>.</summary>
    [JsonIgnore]
    public int BinlogNumber => Backups.BinlogFile.Number(BinlogFile) ?? throw new PlatformException($"'{BinlogFile}' is not a binary log file's name");

    public void Write(string backupDirectory) => AtomicFile.Write(Path.Combine(backupDirectory, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>The record of the backup in <paramref name="backupDirectory"/>, or null when it has none.</summary>
    /// <exception cref="PlatformException">The record is there but unreadable.</exception>
    public static BackupRecord? Read(string backupDirectory)
    {
        var path = Path.Combine(backupDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<BackupRecord>(File.ReadAllText(path), Json)
                ?? throw new PlatformException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new PlatformException($"{path} is not a backup record ({e.Message}); the backup is damaged", e);
        }
    }

    /// <summary>mariadb-backup's own <c>xtrabackup_checkpoints</c>: the InnoDB log range the copy covers.</summary>
    public static (ulong FromLsn, ulong ToLsn) ReadCheckpoints(string dataCopy)
    {
        var values = File.ReadLines(Path.Combine(dataCopy, "xtrabackup_checkpoints"))
            .Select(line => line.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return (ulong.Parse(values["from_lsn"], CultureInfo.InvariantCulture), ulong.Parse(values["to_lsn"], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// mariadb-backup's own <c>xtrabackup_binlog_info</c>: the binary-log file, offset and GTID position the
    /// copy is consistent with. Missing when the server writes no binary log.
    /// </summary>
    /// <exception cref="PlatformException">The server has no binary log to restore from.</exception>
    public static (string File, long Position, string Gtid) ReadBinlogPosition(string dataCopy)
    {
        var path = Path.Combine(dataCopy, "xtrabackup_binlog_info");
        var fields = File.Exists(path) ? File.ReadAllText(path).Trim().Split('\t') : [];
        if (fields.Length < 2 || Backups.BinlogFile.Number(fields[0]) is null
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            throw new PlatformException(
                "the server writes no binary log (mariadb-backup recorded no position), so nothing after a backup could be restored; start MariaDB with './platform up', which turns it on");
        }

        return (fields[0], position, fields.Length > 2 ? fields[2] : "");
    }
}
