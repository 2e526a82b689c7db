using Platform.Load.Reporting;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios;

/// <summary>Users added in steps until the <see cref="StressMonitor"/> sees the platform break; reports where it broke, or that it held.</summary>
public sealed class StressScenario(ScenarioPlan plan) : Scenario(plan)
{
    private StressMonitor? _monitor;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        _monitor = new StressMonitor(run.Clock, run.Log, run.Driver, Plan.WindowMs, at => Plan.Groups.Sum(g => g.ActiveAt(at)));
        run.Beside(_monitor.RunAsync(run.StopRun, run.StopBeside));
        return Task.CompletedTask;
    }

    public override void Judge(RunResult result, Report report) =>
        report.Verdicts.Add(new Verdict("Stress break point", true, _monitor?.BreakPoint ?? $"held to {Plan.PeakUsers} users"));
}
