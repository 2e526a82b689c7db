using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>
/// A slow fault (a frozen replica, a replica stopped most of the time, a database under a global read
/// lock): counts what the replicas shed before and after the run, watches the gateway take replicas out of
/// rotation, injects the fault at its time, and judges: the subclass's verdicts, then the latency ceiling,
/// the time to eject and what was shed.
/// </summary>
public abstract class SlowFaultScenario(ScenarioPlan plan) : Scenario(plan)
{
    public static readonly string Replica = ProcessNames.Replica(2);

    private RotationWatch? _rotation;
    private List<(string Replica, MetricsEndpoint Endpoint)> _replicas = [];
    private Dictionary<string, Dictionary<string, double>?> _shedBefore = [];
    private Dictionary<string, Dictionary<string, double>?> _shedAfter = [];
    private string? _notInjected = "the fault never started";

    /// <summary>When the fault began, ms into the run.</summary>
    protected double FaultMs { get; set; }

    /// <summary>When the fault ended, ms into the run.</summary>
    protected double EndMs { get; private set; }

    /// <summary>The destination whose ejection is timed; null: any replica.</summary>
    protected virtual string? Ejected => Replica;

    public override async Task ArrangeAsync(ScenarioRun run)
    {
        _replicas = Enumerable.Range(1, run.Settings.Replicas).Select(n => (ProcessNames.Replica(n), run.Owns(new MetricsEndpoint(run.Settings.ReplicaMetrics(n))))).ToList();
        _shedBefore = await ShedCount.ScrapeAsync(_replicas);
        _rotation = new RotationWatch(run.Owns(new MetricsEndpoint(run.Settings.GatewayMetrics)), run.Clock);
        run.Beside(_rotation.RunAsync(run.StopBeside));
        run.At(Plan.FaultAtMs, async () =>
        {
            FaultMs = run.Clock.ElapsedMs;
            try
            {
                _notInjected = await InjectAsync(run, TimeSpan.FromMilliseconds(Plan.FaultHoldMs));
            }
            finally
            {
                EndMs = run.Clock.ElapsedMs;
            }
        });
    }

    /// <summary>After the traffic (and the fault) ended: counts what was shed.</summary>
    public override async Task FinishAsync(ScenarioRun run) => _shedAfter = await ShedCount.ScrapeAsync(_replicas);

    public override void Judge(RunResult result, Report report)
    {
        if (_notInjected is not null)
            report.Verdicts.Add(new Verdict("Fault injected", false, _notInjected + ", so the run proved nothing"));
        report.Verdicts.AddRange(FaultVerdicts(result.Records));
        var ejected = RotationWatch.TimeToEject(Arranged(_rotation).Samples, Ejected, FaultMs);
        report.Sections.Add(("Slow fault: latency ceiling, ejection, shedding",
            CeilingTable.Markdown(result.Records, SlowFaultVerdicts.CeilingMs) +
            string.Create(CultureInfo.InvariantCulture, $"\n- Fault: {FaultMs / 1000:0.0} s to {EndMs / 1000:0.0} s\n") +
            $"- Time to eject: {ejected}\n" +
            $"- Shed: {ShedCount.Describe(_shedBefore, _shedAfter)}\n"));
        report.Files.Add(("rotation.csv", Arranged(_rotation).ToCsv()));
    }

    /// <summary>Holds the fault for <paramref name="hold"/>; returns why it was not injected, or null when it was.</summary>
    protected abstract Task<string?> InjectAsync(ScenarioRun run, TimeSpan hold);

    /// <summary>The verdicts of this fault, from the run's requests.</summary>
    protected abstract IEnumerable<Verdict> FaultVerdicts(IReadOnlyCollection<RequestRecord> records);
}
