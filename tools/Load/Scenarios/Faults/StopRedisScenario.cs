using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// Redis stopped for the hold: no failure, the outbox backlog (sampled every second) grows while it is
/// down and drains after; the audit waits longer for the relay to catch up.
/// </summary>
public sealed class StopRedisScenario(ScenarioPlan plan) : StopServerScenario(plan, "redis")
{
    private BacklogSampler? _backlog;

    public override TimeSpan OutboxCatchUp => TimeSpan.FromSeconds(60);

    public override Task ArrangeAsync(ScenarioRun run)
    {
        _backlog = new BacklogSampler(run.Audit, run.Clock);
        run.Beside(_backlog.RunAsync(TimeSpan.FromSeconds(1), run.StopBeside));
        return base.ArrangeAsync(run);
    }

    public override void Judge(RunResult result, Report report)
    {
        var backlog = Arranged(_backlog);
        report.Verdicts.Add(FaultVerdicts.StopRedis(result.Records, TermMs, RestartMs, backlog.Samples));
        report.Files.Add(("outbox-backlog.csv", backlog.ToCsv()));
    }
}
