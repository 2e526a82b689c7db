using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios;

/// <summary>Users for a long time while every platform process's resident memory is sampled; passes with no failure.</summary>
public sealed class EnduranceScenario(ScenarioPlan plan) : Scenario(plan)
{
    private RssSampler? _rss;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        _rss = new RssSampler(run.Processes, run.Clock);
        run.Beside(_rss.RunAsync(TimeSpan.FromMilliseconds(Plan.SampleEveryMs), run.StopBeside));
        return Task.CompletedTask;
    }

    public override void Judge(RunResult result, Report report)
    {
        var rss = Arranged(_rss);
        report.Sections.Add(("Resident memory", rss.Markdown() + "\nSampled from /proc/<pid>/status (VmRSS) every 10 s: `rss.csv`, `rss.svg`.\n"));
        report.Files.Add(("rss.csv", rss.ToCsv()));
        report.Files.Add(("rss.svg", rss.ToSvg($"{Plan.Name}: resident memory")));
        report.Verdicts.Add(new Verdict("Failures", result.Failures == 0, $"{result.Failures} failed requests"));
    }
}
