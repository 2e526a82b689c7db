using System.Diagnostics;
using MySqlConnector;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Backups;

/// <summary>
/// <c>./platform backup</c>: while MariaDB serves, a consistent copy with mariadb-backup (a full one to start
/// a chain, else the pages changed since the chain's last backup), then FLUSH BINARY LOGS and a copy of every
/// binary log closed since the chain's last backup, so the backups alone reach up to this moment. The backup
/// is written in a directory starting with a dot and renamed into place only when complete: a failed backup
/// leaves nothing a restore would read.
/// </summary>
public sealed class BackupRun(BackupPolicy policy, MariaDbRoot root, Narrator narrator)
{
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromHours(6);

    /// <summary>Left by a restore; when present, the next backup starts a new chain and removes it.</summary>
    public string? RestoredMarker { get; init; }

    /// <summary>Where the metrics of the last success are written (<see cref="BackupMetricsFile"/>); none when null.</summary>
    public string? MetricsDirectory { get; init; }

    /// <summary>Takes one backup and returns where it is and its record.</summary>
    /// <exception cref="PlatformException">MariaDB is not reachable, writes no binary log, another backup runs, or mariadb-backup failed.</exception>
    public async Task<ChainedBackup> RunAsync(CancellationToken cancellationToken = default)
    {
        PrivateDirectory.Create(policy.Directory);
        using var exclusive = Lock();
        foreach (var abandoned in Directory.EnumerateDirectories(policy.Directory, BackupChain.IncompletePrefix + "*"))
        {
            narrator.Info($"removing {Path.GetFileName(abandoned)}, left by a backup that did not finish");
            Directory.Delete(abandoned, recursive: true);
        }

        var binlogDirectory = await BinlogDirectoryAsync(cancellationToken);
        var chains = BackupChain.ReadAll(policy.Directory);
        var previous = chains.Count > 0 ? chains[^1] : null;
        var fullBecause = WhyFull(previous, binlogDirectory);
        var started = DateTime.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var scratch = UniqueDirectory.Create(policy.Directory, BackupChain.IncompletePrefix);
        try
        {
            var backup = Path.Combine(scratch, "backup");
            var data = Path.Combine(backup, BackupRecord.DataDirectory);
            PrivateDirectory.Create(backup);
            narrator.Info(fullBecause is null
                ? $"incremental backup on {previous!.Name}/{Path.GetFileName(previous.Backups[^1].Directory)}"
                : $"full backup ({fullBecause})");
            var command = fullBecause is null
                ? MariaDbBackupService.Incremental(root, data, previous!.Backups[^1].DataCopy)
                : MariaDbBackupService.Full(root, data);
            var (exitCode, output) = await CommandRunner.RunAsync(command, CopyTimeout);
            await File.WriteAllTextAsync(Path.Combine(backup, "mariadb-backup.log"), output, cancellationToken);
            if (exitCode != 0)
            {
                throw new PlatformException($"mariadb-backup exited with {exitCode}: {LastLines(output)}");
            }

            var (fromLsn, toLsn) = BackupRecord.ReadCheckpoints(data);
            var (binlogFile, binlogPosition, gtid) = BackupRecord.ReadBinlogPosition(data);
            var firstToSave = fullBecause is null ? NextBinlog(previous!) : BinlogFile.Number(binlogFile)!.Value;
            var saved = await SaveBinlogsAsync(binlogDirectory, firstToSave, Path.Combine(backup, BackupRecord.BinlogsDirectory), cancellationToken);
            stopwatch.Stop();
            var record = new BackupRecord(
                fullBecause is null ? BackupRecord.Incremental : BackupRecord.Full, started, DateTime.UtcNow, fromLsn, toLsn,
                binlogFile, binlogPosition, gtid, saved, SizeOf(backup), Math.Round(stopwatch.Elapsed.TotalSeconds, 3));
            record.Write(backup);

            // Into place by renames, which are atomic: a chain appears whole with its full backup in it.
            string placed;
            int inChain;
            if (fullBecause is null)
            {
                inChain = previous!.Backups.Count + 1;
                placed = Path.Combine(previous.Directory, BackupChain.BackupName(previous.Backups.Count, BackupRecord.Incremental));
                Directory.Move(backup, placed);
                Directory.Delete(scratch, recursive: true);
            }
            else
            {
                inChain = 1;
                Directory.Move(backup, Path.Combine(scratch, BackupChain.BackupName(0, BackupRecord.Full)));
                var chain = Path.Combine(policy.Directory, BackupChain.Prefix + BackupChain.Stamp(started));
                Directory.Move(scratch, chain);
                placed = Path.Combine(chain, BackupChain.BackupName(0, BackupRecord.Full));
                if (RestoredMarker is not null)
                {
                    File.Delete(RestoredMarker);
                }

                DeleteOldChains();
            }

            narrator.Info($"backup in {placed} ({record.Bytes / (1024.0 * 1024.0):0.0} MiB, {record.Seconds:0.0} s; consistent with {binlogFile}:{binlogPosition}, GTID {(gtid.Length > 0 ? gtid : "none yet")}; binary logs saved: {(saved.Count > 0 ? string.Join(", ", saved) : "none")})");
            if (MetricsDirectory is not null)
            {
                BackupMetricsFile.Write(MetricsDirectory, record, inChain);
            }

            return new ChainedBackup(placed, record);
        }
        catch
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Why this backup must be a full one, or null when an incremental on <paramref name="previous"/> will do.</summary>
    private string? WhyFull(BackupChain? previous, string binlogDirectory)
    {
        if (previous is null)
        {
            return "no backup yet";
        }

        if (previous.Problems.Count > 0 || previous.Backups.Count == 0)
        {
            return $"the last chain cannot be extended: {string.Join("; ", previous.Problems)}";
        }

        if (RestoredMarker is not null && File.Exists(RestoredMarker))
        {
            return "the database was restored since the last backup";
        }

        if (previous.Backups.Count > policy.ChainLength)
        {
            return $"the last chain has {policy.ChainLength} incrementals";
        }

        var next = NextBinlog(previous);
        var live = BinlogFile.In(binlogDirectory);
        if (live.Count > 0 && !live.ContainsKey(next))
        {
            return $"{BinlogFile.Name(next)} is no longer in the binary log directory";
        }

        return null;
    }

    private static int NextBinlog(BackupChain chain)
    {
        var last = chain.Backups.LastOrDefault(backup => backup.Record.Binlogs.Count > 0)?.Record;
        return last is null ? chain.Backups[0].Record.BinlogNumber : BinlogFile.Number(last.Binlogs[^1])!.Value + 1;
    }

    /// <summary>Closes the current binary log and copies every closed one from <paramref name="first"/> on.</summary>
    private async Task<IReadOnlyList<string>> SaveBinlogsAsync(string binlogDirectory, int first, string target, CancellationToken cancellationToken)
    {
        await using var connection = await MariaDbService.OpenRootAsync(root, cancellationToken);
        await using (var flush = new MySqlCommand("FLUSH BINARY LOGS", connection))
        {
            await flush.ExecuteNonQueryAsync(cancellationToken);
        }

        var open = 0;
        await using (var status = new MySqlCommand("SHOW MASTER STATUS", connection))
        await using (var reader = await status.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                open = BinlogFile.Number(reader.GetString(0)) ?? 0;
            }
        }

        PrivateDirectory.Create(target);
        var saved = new List<string>();
        for (var number = first; number < open; number++)
        {
            var name = BinlogFile.Name(number);
            var source = Path.Combine(binlogDirectory, name);
            if (!File.Exists(source))
            {
                throw new PlatformException($"{name} is not in {binlogDirectory} (purged before a backup saved it?); run the backup again, it will start a new chain");
            }

            File.Copy(source, Path.Combine(target, name));
            saved.Add(name);
        }

        return saved;
    }

    private async Task<string> BinlogDirectoryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await MariaDbService.OpenRootAsync(root, cancellationToken);
            await using var command = new MySqlCommand("SELECT @@log_bin, @@log_bin_basename", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt32(0) == 0 || reader.IsDBNull(1))
            {
                throw new PlatformException("MariaDB writes no binary log, so nothing after a backup could be restored; restart it with './platform down' and './platform up', which turn it on");
            }

            return Path.GetDirectoryName(reader.GetString(1))!;
        }
        catch (MySqlException e)
        {
            throw new PlatformException($"cannot log in to MariaDB as root through {root.Socket} ({e.Message}); is the platform up? ('./platform status')", e);
        }
    }

    private FileStream Lock()
    {
        try
        {
            // FileShare.None takes an exclusive flock on Unix: a second backup into the same directory stops here.
            return new FileStream(Path.Combine(policy.Directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new PlatformException($"another backup is writing to {policy.Directory}; wait for it to finish", e);
        }
    }

    private void DeleteOldChains()
    {
        var chains = Directory.EnumerateDirectories(policy.Directory, BackupChain.Prefix + "*").Order(StringComparer.Ordinal).ToList();
        foreach (var old in chains.Take(Math.Max(0, chains.Count - policy.KeepChains)))
        {
            narrator.Info($"removing {Path.GetFileName(old)} (keeping the newest {policy.KeepChains} chains)");
            Directory.Delete(old, recursive: true);
        }
    }

    private static long SizeOf(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);

    private static string LastLines(string output) =>
        string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
