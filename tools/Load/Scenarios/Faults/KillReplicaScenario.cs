using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Load.Scenarios.Faults;

/// <summary>SIGKILL api-2 at the fault's time: the traffic must be rebalanced. The platform's <c>up</c> starts it again after the run.</summary>
public sealed class KillReplicaScenario(ScenarioPlan plan) : Scenario(plan)
{
    public static readonly string Replica = ProcessNames.Replica(2);
    private double _killMs;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        run.At(Plan.FaultAtMs, () =>
        {
            _killMs = run.Clock.ElapsedMs;
            run.Note($"kill -9 {Replica}: {run.Processes.RunningPid(Replica) is { } pid && Signals.TrySend(pid, Signals.Kill)}");
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public override async Task FinishAsync(ScenarioRun run)
    {
        var (code, _) = await PlatformRestart.UpAsync(run.Settings.Platform);
        run.Note($"platform up after the run exited {code}");
    }

    public override void Judge(RunResult result, Report report) =>
        report.Verdicts.Add(FaultVerdicts.KillReplica(result.Records, _killMs, Replica, result.DurationMs));
}
