using System.Globalization;
using MySqlConnector;
using Platform.Load.Cli;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Scenarios;
using Platform.Load.Traffic;

namespace Platform.Load.Runs;

/// <summary>
/// The slow faults of a run (a frozen replica, a replica stopped most of the time, a database under a
/// global read lock): injects the fault at its time, watches the gateway take replicas out of rotation,
/// counts what the replicas shed, and judges. Disposing it thaws the replica whatever happened, and the
/// freezer thaws it on SIGINT, SIGTERM and SIGHUP too.
/// </summary>
public sealed class SlowFaultRun : IDisposable
{
    public const string Replica = "api-2";
    private static readonly TimeSpan SlowStopped = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan SlowRunning = TimeSpan.FromMilliseconds(50);

    private readonly BenchSettings _settings;
    private readonly Scenario _scenario;
    private readonly RunClock _clock;
    private readonly Action<string> _note;
    private readonly ReplicaFreezer? _freezer;
    private readonly MetricsEndpoint _gateway;
    private readonly RotationWatch _rotation;
    private readonly List<(string Replica, MetricsEndpoint Endpoint)> _replicas;
    private Dictionary<string, Dictionary<string, double>?> _shedBefore = [];
    private Dictionary<string, Dictionary<string, double>?> _shedAfter = [];
    private string? _notInjected = "the fault never started";
    private double _faultMs;
    private double _endMs;

    public SlowFaultRun(BenchSettings settings, Scenario scenario, RunClock clock, PlatformProcesses processes, Action<string> note)
    {
        _settings = settings;
        _scenario = scenario;
        _clock = clock;
        _note = note;
        if (scenario.Kind is ScenarioKind.FaultFreezeReplica or ScenarioKind.FaultSlowReplica && processes.Pid(Replica) is { } pid)
            _freezer = new ReplicaFreezer(Replica, pid);
        _gateway = new MetricsEndpoint(settings.GatewayMetrics);
        _rotation = new RotationWatch(_gateway, clock);
        _replicas = Enumerable.Range(1, settings.Replicas).Select(n => ($"api-{n}", new MetricsEndpoint(settings.ReplicaMetrics(n)))).ToList();
    }

    public static bool Handles(ScenarioKind kind) =>
        kind is ScenarioKind.FaultFreezeReplica or ScenarioKind.FaultSlowReplica or ScenarioKind.FaultStallDatabase;

    /// <summary>Counts what was shed so far, then starts the rotation watch and the fault at its time, beside the traffic.</summary>
    public async Task StartAsync(List<Task> side, CancellationToken stop)
    {
        _shedBefore = await ShedCount.ScrapeAsync(_replicas);
        side.Add(_rotation.RunAsync(stop));
        side.Add(InjectAsync());
    }

    /// <summary>After the traffic (and the fault) ended: counts what was shed.</summary>
    public async Task FinishAsync() => _shedAfter = await ShedCount.ScrapeAsync(_replicas);

    public void Judge(IReadOnlyCollection<RequestRecord> records, Report report)
    {
        if (_notInjected is not null)
            report.Verdicts.Add(new Verdict("Fault injected", false, _notInjected + ", so the run proved nothing"));
        switch (_scenario.Kind)
        {
            case ScenarioKind.FaultFreezeReplica:
                report.Verdicts.AddRange(SlowFaultVerdicts.FreezeReplica(records));
                break;
            case ScenarioKind.FaultSlowReplica:
                report.Verdicts.Add(SlowFaultVerdicts.SlowReplica(records, _faultMs, _scenario.FaultHoldMs));
                break;
            case ScenarioKind.FaultStallDatabase:
                report.Verdicts.AddRange(SlowFaultVerdicts.StallDatabase(records, _endMs));
                break;
        }

        var ejected = RotationWatch.TimeToEject(_rotation.Samples, _scenario.Kind == ScenarioKind.FaultStallDatabase ? null : Replica, _faultMs);
        report.Sections.Add(("Slow fault: latency ceiling, ejection, shedding",
            CeilingTable.Markdown(records, SlowFaultVerdicts.CeilingMs) +
            string.Create(CultureInfo.InvariantCulture, $"\n- Fault: {_faultMs / 1000:0.0} s to {_endMs / 1000:0.0} s\n") +
            $"- Time to eject: {ejected}\n" +
            $"- Shed: {ShedCount.Describe(_shedBefore, _shedAfter)}\n"));
        report.Files.Add(("rotation.csv", _rotation.ToCsv()));
    }

    private async Task InjectAsync()
    {
        var wait = _scenario.FaultAtMs - _clock.ElapsedMs;
        if (wait > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        var hold = TimeSpan.FromMilliseconds(_scenario.FaultHoldMs);
        _faultMs = _clock.ElapsedMs;
        try
        {
            _notInjected = _scenario.Kind switch
            {
                ScenarioKind.FaultFreezeReplica => await FreezeAsync(hold),
                ScenarioKind.FaultSlowReplica => await SlowDownAsync(hold),
                _ => await StallAsync(hold),
            };
        }
        finally
        {
            _endMs = _clock.ElapsedMs;
        }
    }

    private async Task<string?> FreezeAsync(TimeSpan hold)
    {
        if (_freezer is null)
            return $"{Replica} has no pid";
        _note(string.Create(CultureInfo.InvariantCulture, $"kill -STOP {Replica} (pid {_freezer.Pid}) for {hold.TotalSeconds:0} s"));
        var stopped = await _freezer.FreezeAsync(hold);
        _note(stopped is { } ms ? string.Create(CultureInfo.InvariantCulture, $"kill -CONT {Replica}: stopped {ms / 1000:0.00} s") : $"kill -STOP {Replica} failed");
        return stopped is null ? $"kill -STOP {Replica} failed" : null;
    }

    private async Task<string?> SlowDownAsync(TimeSpan hold)
    {
        if (_freezer is null)
            return $"{Replica} has no pid";
        _note(string.Create(CultureInfo.InvariantCulture,
            $"{Replica} (pid {_freezer.Pid}): kill -STOP, {SlowStopped.TotalMilliseconds:0} ms, kill -CONT, {SlowRunning.TotalMilliseconds:0} ms, for {hold.TotalSeconds:0} s"));
        var cycle = await _freezer.CycleAsync(SlowStopped, SlowRunning, hold);
        _note(string.Create(CultureInfo.InvariantCulture,
            $"{Replica} thawed: {cycle.Cycles} cycles over {cycle.ElapsedMs / 1000:0.00} s, stopped {cycle.StoppedMs / 1000:0.00} s of it ({cycle.StoppedShare:P0})"));
        return cycle.Cycles == 0 ? $"kill -STOP {Replica} failed" : null;
    }

    private async Task<string?> StallAsync(TimeSpan hold)
    {
        var socket = DatabaseStall.Socket(_settings.StateDir);
        _note(string.Create(CultureInfo.InvariantCulture, $"FLUSH TABLES WITH READ LOCK as root over {Path.GetFileName(socket)}, held by SELECT SLEEP({hold.TotalSeconds:0})"));
        try
        {
            var times = await DatabaseStall.HoldAsync(socket, hold, _clock);
            _faultMs = times.LockedMs;
            _note(string.Create(CultureInfo.InvariantCulture,
                $"UNLOCK TABLES: the lock took {times.TakeMs:0} ms to take and was held from {times.LockedMs / 1000:0.0} s to {times.UnlockedMs / 1000:0.0} s"));
            return null;
        }
        catch (MySqlException ex)
        {
            _note($"the database stall failed: {ex.Message}");
            return $"the global read lock was not held ({ex.Message})";
        }
    }

    public void Dispose()
    {
        _freezer?.Dispose();
        _gateway.Dispose();
        foreach (var (_, endpoint) in _replicas)
            endpoint.Dispose();
    }
}
