using System.Globalization;
using MySqlConnector;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Scenarios.Cluster;

/// <summary>
/// On a database cluster (<c>PLATFORM_DB_NODES=3</c>): first measures the create rate the platform sustains
/// (closed-loop creates, recorded in the report), then sends creates at half that rate (open model) and
/// reads beside them, and at the fault's time kills the node taking writes with SIGKILL. Creates must be
/// answered 201 again within 10 s and reads never fail for longer than the deadline; the audit finds every
/// acknowledged create and no night twice. After the run <c>up</c> brings the node back, and it must be
/// synced and hold the same reservations as the others.
/// </summary>
public sealed class KillDatabaseNodeScenario(ScenarioPlan plan) : Scenario(plan)
{
    /// <summary>Closed-loop clients of the measurement: enough to fill the replicas' writer shares on two cores.</summary>
    public const int MeasuringClients = 32;

    /// <summary>Reads per second beside the creates, by code (of this run's creates) and availability.</summary>
    public const int ReadsPerSecond = 10;

    private double _killMs = double.NaN;
    private int _killed;
    private double _sustained;
    private Verdict? _rejoined;

    public override async Task ArrangeAsync(ScenarioRun run)
    {
        var platform = run.Settings.Platform;
        if (!platform.DatabaseCluster)
            throw new PlatformException($"{Plan.Name} needs a database cluster: run it on '{PlatformVariables.DatabaseNodes}=3 ./platform up'");

        var load = run.Clients[BenchClients.Load];
        var measured = new RequestLog();
        var measureMs = Plan.IsShort ? 5_000 : 10_000;
        await new ClosedLoopDriver(run.Clock, measured).RunAsync(MeasuringClients, run.Clock.ElapsedMs + measureMs,
            at => run.Mix.SendAsync(RequestKind.Create, load, BenchClients.Load, at, false));
        var records = measured.Snapshot();
        _sustained = records.Count(r => r.Status == 201) / (measureMs / 1000.0);
        var rate = Math.Max(1, (int)Math.Round(_sustained / 2));
        run.Event(string.Create(CultureInfo.InvariantCulture,
            $"before the clock: {MeasuringClients} closed-loop clients created for {measureMs / 1000:0} s: {_sustained:0} creates/s sustained ({records.Count} sent, {FaultVerdicts.Statuses(records)}); the run sends {rate} creates/s, half of it"));
        run.Report.Sections.Add(("Sustained create rate", string.Create(CultureInfo.InvariantCulture,
            $"{MeasuringClients} closed-loop clients, creates through the gateway for {measureMs / 1000:0} s on this cluster: **{_sustained:0} creates/s** answered 201; the run's open-model load is half of it, {rate} creates/s, with {ReadsPerSecond} reads/s beside them.\n")));

        UserGroup[] groups =
        [
            new(BenchClients.Load, rate, Sends: RequestKind.Create),
            new(BenchClients.Load, ReadsPerSecond / 2, Sends: RequestKind.Read),
            new(BenchClients.Load, ReadsPerSecond / 2, Sends: RequestKind.Availability),
        ];
        run.Users.AddRange(groups.SelectMany(g => Enumerable.Range(0, g.Users).Select(i =>
            new VirtualUser(g.Client, g.StartMs(i), g.IntervalMs, at => run.Mix.SendAsync(g.Sends, run.Clients[g.Client], g.Client, at, false)))));
        // The users' schedule starts now, not before the measurement.
        run.Clock.Restart();
        run.At(Plan.FaultAtMs, () =>
        {
            // MySqlConnector's failover writes to the first node that answers: the lowest-numbered running one.
            _killed = Enumerable.Range(1, platform.DatabaseNodes).FirstOrDefault(node => run.Processes.RunningPid(ProcessNames.DatabaseNode(node)) is not null);
            _killMs = run.Clock.ElapsedMs;
            var name = ProcessNames.DatabaseNode(_killed);
            run.Note($"kill -9 {name}, the node taking writes: {_killed > 0 && run.Processes.RunningPid(name) is { } pid && Signals.TrySend(pid, Signals.Kill)}");
            return Task.CompletedTask;
        });
    }

    /// <summary>After the traffic: <c>up</c> brings the node back; it must rejoin, sync and hold what the others hold.</summary>
    public override async Task FinishAsync(ScenarioRun run)
    {
        var platform = run.Settings.Platform;
        if (_killed == 0)
        {
            _rejoined = new Verdict("Fault: the node rejoins", false, "no node was killed");
            return;
        }

        var started = run.Clock.ElapsedMs;
        var (code, output) = await PlatformRestart.UpAsync(platform);
        var took = (run.Clock.ElapsedMs - started) / 1000;
        run.Note(string.Create(CultureInfo.InvariantCulture, $"platform up after the run exited {code} after {took:0.0} s"));
        if (code != 0)
            run.Report.Sections.Add(("platform up output", $"```\n{output}\n```\n"));

        var layout = platform.Layout;
        var status = await GaleraService.StatusAsync(MariaDbService.Root(layout, _killed));
        var counts = new List<string>();
        var equal = true;
        long? first = null;
        foreach (var node in Enumerable.Range(1, platform.DatabaseNodes))
        {
            var count = await CountAsync(MariaDbService.Root(layout, node));
            counts.Add(string.Create(CultureInfo.InvariantCulture, $"node {node}: {count?.ToString(CultureInfo.InvariantCulture) ?? "no answer"}"));
            first ??= count;
            equal &= count is not null && count == first;
        }

        var how = output.Contains("rejoins from its recovered position", StringComparison.Ordinal) ? "from its recovered position" : "by a whole copy";
        _rejoined = new Verdict("Fault: the node rejoins with up", code == 0 && status is { Synced: true } && equal, string.Create(CultureInfo.InvariantCulture,
            $"'up' exited {code} after {took:0.0} s, {ProcessNames.DatabaseNode(_killed)} rejoined {how} and says {status?.ToString() ?? "nothing"}; reservations per node: {string.Join(", ", counts)}"));
    }

    public override void Judge(RunResult result, Report report)
    {
        report.Verdicts.Add(ClusterVerdicts.CreatesAnsweredAgain(result.Records, _killMs));
        report.Verdicts.Add(ClusterVerdicts.ReadsNeverFailLong(result.Records));
        report.Verdicts.Add(_rejoined ?? new Verdict("Fault: the node rejoins with up", false, "the run never finished"));
    }

    // All of them, as root through the node's own socket: what the node itself holds.
    private static async Task<long?> CountAsync(MariaDbRoot root)
    {
        try
        {
            await using var connection = new MySqlConnection(MariaDbService.RootConnectionString(root, MariaDbService.Database));
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT COUNT(*) FROM reservations", connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
