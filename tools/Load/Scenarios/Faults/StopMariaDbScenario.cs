using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios.Faults;

/// <summary>MariaDB stopped for the hold: every failure a fast 503 with Retry-After, and the platform recovers after the restart.</summary>
public sealed class StopMariaDbScenario(ScenarioPlan plan) : StopServerScenario(plan, "mariadb")
{
    public override void Judge(RunResult result, Report report) =>
        report.Verdicts.Add(FaultVerdicts.StopMariaDb(result.Records, TermMs, RestartMs, result.DurationMs));
}
