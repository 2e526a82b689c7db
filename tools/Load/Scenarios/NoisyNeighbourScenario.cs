using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Topology.Files;

namespace Platform.Load.Scenarios;

/// <summary>
/// Calm clients, then from a quarter of the run a noisy one at twice its tier: the noisy client is limited
/// (429s expected) and the calm clients hold; a table per client.
/// </summary>
public sealed class NoisyNeighbourScenario(ScenarioPlan plan) : Scenario(plan)
{
    public const string Noisy = BenchClients.Noisy;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        for (var i = 0; i < run.Users.Count; i++)
        {
            if (run.Users[i].Client == Noisy)
                run.Users[i] = run.Users[i] with { StartMs = run.Users[i].StartMs + Plan.DurationMs / 4 };
        }

        return Task.CompletedTask;
    }

    public override void Judge(RunResult result, Report report)
    {
        ClientTables.Add(result, report);
        var noisy = result.Records.Where(r => r.Client == Noisy).ToList();
        report.Verdicts.Add(new Verdict("Noisy client limited", noisy.Any(r => r.Status == 429), string.Create(CultureInfo.InvariantCulture,
            $"noisy client: {noisy.Count} requests, {noisy.Count(r => r.Status == 429)} answered 429 quota-exceeded, {noisy.Count(r => r.Failed)} other failures")));
        report.Verdicts.Add(FaultVerdicts.CalmHolds("Calm clients hold", ClientTables.Calm(result.Records), result.DurationMs / 4, result.DurationMs));
    }
}
