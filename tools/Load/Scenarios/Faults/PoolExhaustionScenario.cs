using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// Closed-loop clients creating as fast as they are answered, more than every replica's pool holds, while
/// the pools are sampled every 0.5 s: the limit is reached and answered fast and cleanly.
/// </summary>
public sealed class PoolExhaustionScenario(ScenarioPlan plan) : Scenario(plan)
{
    private PoolSampler? _pools;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        var replicas = Enumerable.Range(1, run.Settings.Replicas).Select(n => (ProcessNames.Replica(n), run.Settings.ReplicaMetrics(n))).ToList();
        _pools = run.Owns(new PoolSampler(replicas, run.Clock));
        run.Beside(_pools.RunAsync(TimeSpan.FromMilliseconds(500), run.StopBeside));
        return Task.CompletedTask;
    }

    /// <summary>A fixed concurrency is what this scenario is about, so its clients are closed-loop, not the open model's users.</summary>
    public override Task SendAsync(ScenarioRun run)
    {
        var load = run.Clients[BenchClients.Load];
        return new ClosedLoopDriver(run.Clock, run.Log).RunAsync(Plan.ClosedLoopClients, Plan.DurationMs,
            at => run.Mix.SendAsync(RequestKind.Create, load, BenchClients.Load, at, false));
    }

    public override void Judge(RunResult result, Report report)
    {
        var pools = Arranged(_pools);
        report.Verdicts.Add(FaultVerdicts.PoolExhaustion(result.Records, pools.Samples));
        report.Files.Add(("pools.csv", pools.ToCsv()));
    }
}
