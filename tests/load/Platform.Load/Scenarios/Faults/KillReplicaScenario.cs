using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios.Faults;

/// <summary><c>kill -9</c> api-2 at the fault's time: the traffic must be rebalanced. <c>./platform up</c> starts it again after the run.</summary>
public sealed class KillReplicaScenario(ScenarioPlan plan) : Scenario(plan)
{
    public const string Replica = "api-2";
    private double _killMs;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        run.At(Plan.FaultAtMs, async () =>
        {
            _killMs = run.Clock.ElapsedMs;
            run.Note($"kill -9 {Replica}: {await run.Processes.SignalAsync(Replica, "KILL")}");
        });
        return Task.CompletedTask;
    }

    public override async Task FinishAsync(ScenarioRun run)
    {
        var (code, _) = await run.Processes.UpAsync();
        run.Note($"platform up after the run exited {code}");
    }

    public override void Judge(RunResult result, Report report) =>
        report.Verdicts.Add(FaultVerdicts.KillReplica(result.Records, _killMs, Replica, result.DurationMs));
}
