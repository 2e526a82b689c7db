using System.Globalization;
using Platform.Load.Reporting;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios;

/// <summary>Users sending the mix, constant or ramped, and nothing else (baseline, the loads, sustained, spike): passes with no failure.</summary>
public sealed class LoadScenario(ScenarioPlan plan) : Scenario(plan)
{
    public override void Judge(RunResult result, Report report) =>
        report.Verdicts.Add(new Verdict("Failures", result.Failures == 0, string.Create(CultureInfo.InvariantCulture,
            $"{result.Failures} failed requests of {result.Records.Count}")));
}
