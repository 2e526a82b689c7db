using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Backups;

/// <summary>What a restore did: the backup it started from, and the GTID position the data reached.</summary>
public sealed record RestoreResult(ChainedBackup Base, string GtidPosition, IReadOnlyList<string> Replayed, TimeSpan Elapsed);

/// <summary>
/// <c>./platform restore</c>: onto an empty data directory, the newest backup at or before the target (a full
/// backup prepared with its incrementals), then the binary logs from that backup's position up to the target,
/// replayed by a private mariadbd (socket only, no TCP port) which is then shut down cleanly.
/// <para>
/// The binary logs come from the backups and from the live binary-log directory, which survives the loss of
/// the data directory. The restored server writes a new binary log: the replayed transactions keep their
/// GTIDs and its file numbers continue past every file ever written; the files of the history it leaves
/// behind are kept, untouched, in <c>replaced-STAMP/</c> of the binary-log directory.
/// </para>
/// </summary>
public sealed class PointInTimeRestore(string configFile, MariaDbFiles files, string rootPassword, string backupDirectory, string scratchParent, Narrator narrator)
{
    public const string ReplacedPrefix = "replaced-";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromHours(6);

    /// <summary>Written when the restore is complete; the next backup then starts a new chain.</summary>
    public string? RestoredMarker { get; init; }

    /// <summary>Checks everything a restore needs before it changes anything.</summary>
    /// <exception cref="PlatformException">The data directory is not empty, there is no backup before the target, or the backups and binary logs have a gap.</exception>
    public (ChainedBackup Base, IReadOnlyList<ChainedBackup> Chain, IReadOnlyList<string> Binlogs) Plan(RestoreTarget target)
    {
        if (Directory.Exists(files.DataDirectory) && Directory.EnumerateFileSystemEntries(files.DataDirectory).Any())
        {
            throw new PlatformException(
                $"the data directory {files.DataDirectory} is not empty; restore writes only into an empty one and never deletes data: move it away (mv '{files.DataDirectory}' '{files.DataDirectory}.before-restore') and run restore again");
        }

        var chains = BackupChain.ReadAll(backupDirectory);
        var backups = chains.SelectMany(chain => chain.Backups.Select((backup, index) => (Chain: chain, Index: index, Backup: backup))).ToList();
        if (backups.Count == 0)
        {
            var broken = chains.SelectMany(chain => chain.Problems).ToList();
            throw new PlatformException($"no backup to restore from in {backupDirectory}{(broken.Count > 0 ? ": " + string.Join("; ", broken) : "")}");
        }

        var candidates = target switch
        {
            { Time: { } time } => backups.Where(entry => entry.Backup.Record.FinishedAt <= time).ToList(),
            { Gtid: { } gtid } => backups.Where(entry => Gtid.SequenceIn(Gtid.ParseList(entry.Backup.Record.Gtid) ?? [], gtid.Domain) <= gtid.Sequence).ToList(),
            _ => backups,
        };
        if (candidates.Count == 0)
        {
            var oldest = backups[0].Backup.Record;
            throw new PlatformException(target.Time is not null
                ? $"--to is before the oldest backup, which finished at {oldest.FinishedAt.ToString(RestoreTarget.TimeFormats[0], CultureInfo.InvariantCulture)}; nothing earlier can be restored"
                : $"--to-gtid is before the oldest backup, which holds GTID {oldest.Gtid}; nothing earlier can be restored");
        }

        var chosen = candidates[^1];
        if (target == RestoreTarget.Latest && chosen.Chain.Problems.Count > 0)
        {
            throw new PlatformException($"the newest chain {chosen.Chain.Name} has a gap ({string.Join("; ", chosen.Chain.Problems)}); restore with --to a time before it, or repair the chain");
        }

        var binlogs = BinlogsFrom(chosen.Backup.Record.BinlogNumber, chains);
        return (chosen.Backup, [.. chosen.Chain.Backups.Take(chosen.Index + 1)], binlogs);
    }

    public async Task<RestoreResult> RunAsync(RestoreTarget target, CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        var (chosen, chain, binlogs) = Plan(target);
        narrator.Info($"restoring {target} from {Path.GetFileName(Path.GetDirectoryName(chosen.Directory))}/{Path.GetFileName(chosen.Directory)} (finished {chosen.Record.FinishedAt.ToString(RestoreTarget.TimeFormats[0], CultureInfo.InvariantCulture)}, {chain.Count - 1} incrementals), then {binlogs.Count} binary logs");
        var scratch = UniqueDirectory.Create(scratchParent, "restore.");
        var prepared = Path.Combine(scratch, "prepared");
        var replacedBinlogs = Path.Combine(scratch, "binlog");
        var server = files with
        {
            Socket = Path.Combine(scratch, "mariadb.sock"),
            PidFile = Path.Combine(scratch, "mariadbd.pid"),
            LogFile = Path.Combine(scratch, "mariadbd.log"),
            BinlogDirectory = replacedBinlogs,
        };
        var nextNumber = NextBinlogNumber(chain);
        // A backup taken before root had a password restores one without: the first login gives it this one.
        var root = new MariaDbRoot(server.Socket, rootPassword);

        await StepAsync($"copying the full backup", () => Task.Run(() => CopyDirectory(chain[0].DataCopy, prepared), cancellationToken));
        await StepAsync("preparing it (crash recovery on the copy)", () => RunToolAsync(MariaDbBackupService.Prepare(prepared), Path.Combine(scratch, "prepare-full.log")));
        foreach (var incremental in chain.Skip(1))
        {
            await StepAsync($"applying {Path.GetFileName(incremental.Directory)}", () => RunToolAsync(MariaDbBackupService.Prepare(prepared, incremental.DataCopy), Path.Combine(scratch, $"prepare-{Path.GetFileName(incremental.Directory)}.log")));
        }

        PrivateDirectory.Create(files.DataDirectory);
        files.CreateDirectories();
        server.CreateDirectories();
        await StepAsync($"moving it into {files.DataDirectory}", () => RunToolAsync(MariaDbBackupService.MoveBack(prepared, files.DataDirectory), Path.Combine(scratch, "move-back.log")));

        string position = "";
        using (var process = await StepAsync("starting a private mariadbd (socket only)", () => StartPrivateAsync(server, root)))
        {
            try
            {
                await ContinueBinlogAsync(root, nextNumber, Gtid.ParseList(chosen.Record.Gtid) ?? [], cancellationToken);
                if (binlogs.Count > 0)
                {
                    await StepAsync($"replaying {binlogs.Count} binary logs from {chosen.Record.BinlogFile}:{chosen.Record.BinlogPosition} {target}",
                        () => ReplayAsync(binlogs, chosen.Record.BinlogPosition, target, root, cancellationToken));
                }

                position = await ScalarAsync(root, "SELECT @@gtid_binlog_pos", cancellationToken);
                await StepAsync("stopping the private mariadbd cleanly", () => ShutdownAsync(process, root));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }

        SwapBinlogs(replacedBinlogs);
        if (RestoredMarker is not null)
        {
            AtomicFile.Write(RestoredMarker, $"{DateTime.UtcNow.ToString(RestoreTarget.TimeFormats[0], CultureInfo.InvariantCulture)} {position}\n");
        }

        Directory.Delete(scratch, recursive: true);
        total.Stop();
        narrator.Info($"restored to GTID {(position.Length > 0 ? position : "(none)")} in {total.Elapsed.TotalSeconds:0.0} s");
        if (target.Gtid is { } wanted && Gtid.SequenceIn(Gtid.ParseList(position) ?? [], wanted.Domain) < wanted.Sequence)
        {
            throw new PlatformException($"the binary logs end at GTID {position}, before {wanted}: everything there is was restored, {wanted} never reached");
        }

        return new RestoreResult(chosen, position, binlogs, total.Elapsed);
    }

    /// <summary>
    /// The new binary log continues the old one's file numbers and GTIDs, so neither is ever used twice: its
    /// first file is numbered past every file there was, and it starts with the backup's GTID in each domain.
    /// (SET GLOBAL gtid_binlog_state would do the latter, but it resets the file numbers to 1; a FLUSH TABLES
    /// written under the backup's GTID does not.) The replayed transactions then keep their own GTIDs.
    /// </summary>
    private static async Task ContinueBinlogAsync(MariaDbRoot root, int firstNumber, IReadOnlyList<Gtid> position, CancellationToken cancellationToken)
    {
        await using var connection = await MariaDbService.OpenRootAsync(root, cancellationToken);
        await using var command = new MySqlCommand($"RESET MASTER TO {firstNumber.ToString(CultureInfo.InvariantCulture)}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        foreach (var gtid in position)
        {
            command.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"SET SESSION gtid_domain_id = {gtid.Domain}, SESSION server_id = {gtid.Server}, SESSION gtid_seq_no = {gtid.Sequence}; FLUSH TABLES");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The binary-log files from <paramref name="first"/> on, with no number missing: those the backups saved
    /// and those still in the live directory (the last of which may be the one open when the server died).
    /// </summary>
    private List<string> BinlogsFrom(int first, IReadOnlyList<BackupChain> chains)
    {
        var available = new SortedDictionary<int, string>();
        foreach (var backup in chains.SelectMany(chain => chain.Backups))
        {
            foreach (var (number, path) in BinlogFile.In(backup.Binlogs))
            {
                available.TryAdd(number, path);
            }
        }

        foreach (var (number, path) in BinlogFile.In(files.BinlogDirectory))
        {
            available.TryAdd(number, path);
        }

        var last = available.Keys.DefaultIfEmpty(first - 1).Max();
        var list = new List<string>();
        for (var number = first; number <= last; number++)
        {
            if (!available.TryGetValue(number, out var path))
            {
                throw new PlatformException(
                    $"the binary log {BinlogFile.Name(number)} is in no backup and not in {files.BinlogDirectory}: there is a gap, and nothing after it can be replayed"
                    + (Directory.Exists(files.BinlogDirectory) && Directory.EnumerateDirectories(files.BinlogDirectory, ReplacedPrefix + "*").Any() ? $" (a restore set the history it replaced aside in {files.BinlogDirectory}/{ReplacedPrefix}*; after a restore, take a backup at once)" : "")
                    + "; restore with --to a time before it");
            }

            list.Add(path);
        }

        return list;
    }

    private int NextBinlogNumber(IReadOnlyList<ChainedBackup> chain)
    {
        var numbers = new List<int> { chain[^1].Record.BinlogNumber };
        numbers.AddRange(BinlogFile.In(files.BinlogDirectory).Keys);
        if (Directory.Exists(files.BinlogDirectory))
        {
            foreach (var replaced in Directory.EnumerateDirectories(files.BinlogDirectory, ReplacedPrefix + "*"))
            {
                numbers.AddRange(BinlogFile.In(replaced).Keys);
            }
        }

        numbers.AddRange(BackupChain.ReadAll(backupDirectory).SelectMany(c => c.Backups).SelectMany(b => b.Record.Binlogs).Select(BinlogFile.Number).OfType<int>());
        return numbers.Max() + 1;
    }

    /// <summary>The live binary logs go aside into replaced-STAMP/; the restored server's take their place.</summary>
    private void SwapBinlogs(string restoredBinlogs)
    {
        PrivateDirectory.Create(files.BinlogDirectory);
        var live = Directory.EnumerateFiles(files.BinlogDirectory).ToList();
        if (live.Count > 0)
        {
            var aside = Path.Combine(files.BinlogDirectory, ReplacedPrefix + BackupChain.Stamp(DateTime.UtcNow));
            PrivateDirectory.Create(aside);
            foreach (var file in live)
            {
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
            }

            narrator.Info($"the binary logs of the history before this restore are kept in {aside}");
        }

        foreach (var file in Directory.EnumerateFiles(restoredBinlogs))
        {
            File.Move(file, Path.Combine(files.BinlogDirectory, Path.GetFileName(file)));
        }

        // The index names each file by its path; the files have moved.
        var index = Path.Combine(files.BinlogDirectory, MariaDbFiles.BinlogBaseName + ".index");
        AtomicFile.Write(index, string.Concat(BinlogFile.In(files.BinlogDirectory).Values.Select(path => path + "\n")));
    }

    private static async Task ReplayAsync(IReadOnlyList<string> binlogs, long startPosition, RestoreTarget target, MariaDbRoot root, CancellationToken cancellationToken)
    {
        using var reader = Start(MariaDbBackupService.Replay(binlogs, startPosition, target.Time, target.Gtid?.ToString()), redirectInput: false);
        using var writer = Start(MariaDbBackupService.Apply(root), redirectInput: true);
        var readerErrors = reader.StandardError.ReadToEndAsync(cancellationToken);
        var writerOutput = writer.StandardOutput.ReadToEndAsync(cancellationToken);
        var writerErrors = writer.StandardError.ReadToEndAsync(cancellationToken);
        await reader.StandardOutput.BaseStream.CopyToAsync(writer.StandardInput.BaseStream, cancellationToken);
        writer.StandardInput.Close();
        await Task.WhenAll(reader.WaitForExitAsync(cancellationToken), writer.WaitForExitAsync(cancellationToken));
        if (reader.ExitCode != 0)
        {
            throw new PlatformException($"mariadb-binlog exited with {reader.ExitCode}: {(await readerErrors).Trim()}");
        }

        if (writer.ExitCode != 0)
        {
            throw new PlatformException($"replaying the binary log failed (mariadb exited with {writer.ExitCode}): {(await writerErrors).Trim()} {(await writerOutput).Trim()}");
        }
    }

    private async Task<Process> StartPrivateAsync(MariaDbFiles server, MariaDbRoot root)
    {
        var process = Start(MariaDbService.StartPrivate(configFile, server), redirectInput: false);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (process.HasExited)
            {
                throw new PlatformException($"the private mariadbd exited with {process.ExitCode} on the restored data: {Tail(server.LogFile)}");
            }

            if (await MariaDbService.PingAsync(root))
            {
                return process;
            }

            await Task.Delay(200);
        }

        process.Kill();
        throw new PlatformException($"the private mariadbd did not answer within 10 minutes: {Tail(server.LogFile)}");
    }

    private static async Task ShutdownAsync(Process process, MariaDbRoot root)
    {
        await ExecuteAsync(root, "SHUTDOWN", CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
    }

    private static Process Start(ServiceCommand command, bool redirectInput)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in command.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new PlatformException($"could not start {command.FileName}");
    }

    private static async Task RunToolAsync(ServiceCommand command, string log)
    {
        var (exitCode, output) = await CommandRunner.RunAsync(command, ToolTimeout);
        await File.WriteAllTextAsync(log, output);
        if (exitCode != 0)
        {
            throw new PlatformException($"{Path.GetFileName(command.FileName)} {command.Arguments[0]} exited with {exitCode} (its output: {log}): {string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3))}");
        }
    }

    private static async Task ExecuteAsync(MariaDbRoot root, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await MariaDbService.OpenRootAsync(root, cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> ScalarAsync(MariaDbRoot root, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await MariaDbService.OpenRootAsync(root, cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
    }

    private async Task StepAsync(string what, Func<Task> step) => await StepAsync(what, async () => { await step(); return 0; });

    private async Task<T> StepAsync<T>(string what, Func<Task<T>> step)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await step();
        narrator.Info($"{what}: {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return result;
    }

    // The BCL copies files, not trees.
    private static void CopyDirectory(string source, string target)
    {
        PrivateDirectory.Create(target);
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            PrivateDirectory.Create(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }

    private static string Tail(string log) =>
        File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "(no log)";
}
