using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// The restore drill at bench size: a backup while the traffic runs (at half the fault's time), then MariaDB
/// killed with SIGKILL and its data directory taken away, a restore to the latest point from the backup and
/// the binary log, and the platform's <c>up</c>. Every create answered 201 must be back (the audit), the
/// failures during the outage only fast 503s, and the restore's time is reported per million reservations.
/// The lost data directory is moved aside, not deleted, until the restore has succeeded.
/// </summary>
public sealed class RestoreMariaDbScenario(ScenarioPlan plan) : Scenario(plan)
{
    private double _killMs;
    private double _restartMs;
    private string _backup = "no backup was taken";
    private RestoreResult? _restored;
    private long _reservations;
    private string? _failure;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        var layout = run.Settings.Platform.Layout;
        var policy = new BackupPolicy(layout.BenchBackups, KeepChains: 1, ChainLength: 0);
        run.At(Plan.FaultAtMs / 2, async () =>
        {
            var started = run.Clock.ElapsedMs;
            try
            {
                var backup = await new BackupRun(policy, MariaDbService.Root(layout), Narrator.Silent).RunAsync();
                _backup = string.Create(CultureInfo.InvariantCulture,
                    $"{backup.Record.Kind} backup at {started / 1000:0.0} s, {backup.Record.Seconds:0.0} s, {backup.Record.Bytes / 1048576.0:0.0} MiB, GTID {backup.Record.Gtid}");
            }
            catch (PlatformException e)
            {
                _failure = $"the backup failed: {e.Message}";
            }

            run.Note(_failure ?? _backup);
        });
        run.At(Plan.FaultAtMs, async () =>
        {
            if (_failure is not null)
            {
                return;
            }

            _killMs = run.Clock.ElapsedMs;
            await LoseDataAsync(run, layout);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                _restored = await new PointInTimeRestore(MariaDbService.ConfigFile(layout.Root), MariaDbService.Files(layout), MariaDbService.Root(layout).Password, layout.BenchBackups, layout.State, Narrator.Silent)
                {
                    RestoredMarker = layout.RestoredMarker,
                }.RunAsync(RestoreTarget.Latest);
                run.Note(string.Create(CultureInfo.InvariantCulture, $"restored to GTID {_restored.GtidPosition} in {stopwatch.Elapsed.TotalSeconds:0.0} s ({_restored.Replayed.Count} binary logs replayed)"));
            }
            catch (PlatformException e)
            {
                _failure = $"the restore failed: {e.Message} (the lost data directory is kept beside it)";
                run.Note(_failure);
                return;
            }

            _restartMs = run.Clock.ElapsedMs;
            var (code, output) = await PlatformRestart.UpAsync(run.Settings.Platform);
            run.Note($"platform up exited {code} after {(run.Clock.ElapsedMs - _restartMs) / 1000:0.0} s");
            if (code != 0)
            {
                run.Report.Sections.Add(("platform up output", $"```\n{output}\n```\n"));
                return;
            }

            _reservations = await CountReservationsAsync(layout);
            foreach (var lost in Directory.EnumerateDirectories(layout.State, Path.GetFileName(layout.MariaDbData) + ".lost-*"))
            {
                Directory.Delete(lost, recursive: true);
            }
        });
        return Task.CompletedTask;
    }

    public override void Judge(RunResult result, Report report)
    {
        report.Verdicts.Add(FaultVerdicts.LoseMariaDbData(result.Records, _killMs, _restartMs, result.DurationMs));
        var restore = _restored is null
            ? new Verdict("Fault: restore MariaDB", false, _failure ?? "the restore never ran")
            : new Verdict("Fault: restore MariaDB", true, string.Create(CultureInfo.InvariantCulture,
                $"{_backup}; SIGKILL and the data directory moved away at {_killMs / 1000:0.0} s; restored to the latest point (GTID {_restored.GtidPosition}) in {_restored.Elapsed.TotalSeconds:0.0} s from {Path.GetFileName(_restored.Base.Directory)} and {_restored.Replayed.Count} binary logs; {_reservations} reservations in the table: {PerMillion(_restored.Elapsed, _reservations)} per million; that every 201 is back is judged by the audit below"));
        report.Verdicts.Add(restore);
    }

    private static string PerMillion(TimeSpan elapsed, long reservations) =>
        reservations > 0 ? string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds * 1_000_000 / reservations:0} s") : "n/a";

    /// <summary>SIGKILL, as a crash; then the data directory goes (moved aside, so a failed restore loses nothing for real).</summary>
    private static async Task LoseDataAsync(ScenarioRun run, StateLayout layout)
    {
        var pid = run.Processes.RunningPid(ProcessNames.MariaDb);
        run.Note($"kill -9 {ProcessNames.MariaDb}: {pid is { } p && Signals.TrySend(p, Signals.Kill)}");
        for (var waited = 0; pid is not null && ProcStat.Read(pid.Value) is { State: not ('Z' or 'X') } && waited < 300; waited++)
        {
            await Task.Delay(100);
        }

        run.Processes.Forget(ProcessNames.MariaDb);
        var aside = $"{layout.MariaDbData}.lost-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        Directory.Move(layout.MariaDbData, aside);
        run.Note($"data directory moved away to {layout.Display(aside)}");
    }

    private static async Task<long> CountReservationsAsync(StateLayout layout)
    {
        await using var connection = new MySqlConnection(MariaDbService.RootConnectionString(MariaDbService.Root(layout), MariaDbService.Database));
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM reservations", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
