using System.Globalization;

namespace Platform.Topology.Backups;

/// <summary>One backup of a chain: its directory and its record.</summary>
public sealed record ChainedBackup(string Directory, BackupRecord Record)
{
    public string DataCopy => Path.Combine(Directory, BackupRecord.DataDirectory);

    public string Binlogs => Path.Combine(Directory, BackupRecord.BinlogsDirectory);
}

/// <summary>
/// A full backup and the incrementals taken on it, in order, in one directory
/// (<c>chain-20261207T010920Z/0000-full</c>, <c>0001-incremental</c>, ...). Directories starting with a dot are
/// backups still being written (or abandoned by a failure) and are never read.
/// </summary>
public sealed class BackupChain
{
    public const string Prefix = "chain-";

    /// <summary>Where a backup is written until it is complete, then renamed into place.</summary>
    public const string IncompletePrefix = ".incomplete-";

    private BackupChain(string directory, IReadOnlyList<ChainedBackup> backups, IReadOnlyList<string> problems)
    {
        Directory = directory;
        Backups = backups;
        Problems = problems;
    }

    public string Directory { get; }

    public IReadOnlyList<ChainedBackup> Backups { get; }

    /// <summary>Why this chain cannot be restored from past a point (a gap, a damaged or missing backup); empty when whole.</summary>
    public IReadOnlyList<string> Problems { get; }

    public string Name => Path.GetFileName(Directory);

    /// <summary>A directory name for a chain or a backup, from a UTC time: sortable, no characters a shell minds.</summary>
    public static string Stamp(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A backup's directory name in its chain: its place, then its kind.</summary>
    public static string BackupName(int index, string kind) => $"{index.ToString("D4", CultureInfo.InvariantCulture)}-{kind}";

    /// <summary>The chains in <paramref name="backupDirectory"/>, oldest first (none when it does not exist).</summary>
    public static IReadOnlyList<BackupChain> ReadAll(string backupDirectory) =>
        System.IO.Directory.Exists(backupDirectory)
            ? [.. System.IO.Directory.EnumerateDirectories(backupDirectory, Prefix + "*").Order(StringComparer.Ordinal).Select(Read)]
            : [];

    /// <summary>
    /// The chain in <paramref name="directory"/>, checked link by link: it starts with a full backup, each
    /// incremental starts at the log sequence number where the one before ended, and the binary logs saved
    /// follow on without a missing file. Whatever breaks the chain ends it there and is named in <see cref="Problems"/>.
    /// </summary>
    public static BackupChain Read(string directory)
    {
        var backups = new List<ChainedBackup>();
        var problems = new List<string>();
        int? nextBinlog = null;
        var subdirectories = System.IO.Directory.EnumerateDirectories(directory)
            .Where(path => !Path.GetFileName(path).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var path in subdirectories)
        {
            var name = $"{Path.GetFileName(directory)}/{Path.GetFileName(path)}";
            BackupRecord? record;
            try
            {
                record = BackupRecord.Read(path);
            }
            catch (PlatformException e)
            {
                problems.Add(e.Message);
                break;
            }

            if (record is null)
            {
                problems.Add($"{name} has no {BackupRecord.FileName}: it is not a finished backup");
                break;
            }

            if (backups.Count == 0 && record.Kind != BackupRecord.Full)
            {
                problems.Add($"{name} is an incremental with no full backup before it");
                break;
            }

            if (backups.Count > 0 && record.FromLsn != backups[^1].Record.ToLsn)
            {
                problems.Add($"{name} starts at log sequence number {record.FromLsn}, but the backup before it ended at {backups[^1].Record.ToLsn}: there is a gap");
                break;
            }

            // Each backup saves the binary logs from where the one before it stopped (a full: from its own position).
            var expected = nextBinlog ?? record.BinlogNumber;
            string? missing = null;
            for (var k = 0; k < record.Binlogs.Count && missing is null; k++)
            {
                var file = record.Binlogs[k];
                if (BinlogFile.Number(file) != expected + k || !File.Exists(Path.Combine(path, BackupRecord.BinlogsDirectory, file)))
                {
                    missing = BinlogFile.Name(expected + k);
                }
            }

            if (missing is not null)
            {
                problems.Add($"{name} lacks the binary log {missing}: there is a gap");
                break;
            }

            backups.Add(new ChainedBackup(path, record));
            if (record.Binlogs.Count > 0)
            {
                nextBinlog = expected + record.Binlogs.Count;
            }
        }

        return new BackupChain(directory, backups, problems);
    }
}
