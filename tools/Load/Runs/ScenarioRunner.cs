using System.Globalization;
using Platform.Load.Audit;
using Platform.Load.Cli;
using Platform.Load.Faults;
using Platform.Load.Progress;
using Platform.Load.Reporting;
using Platform.Load.Scenarios;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology.Files;

namespace Platform.Load.Runs;

/// <summary>
/// Runs one scenario end to end: the warm-up, the traffic with what the scenario arranges beside it and
/// its live progress, the scenario's judgement, the audit, the report. Returns 0 when every verdict
/// passed, 1 otherwise.
/// </summary>
public sealed class ScenarioRunner(BenchSettings settings, Scenario scenario, string command)
{

    public async Task<int> RunAsync()
    {
        var plan = scenario.Plan;
        var clock = new RunClock();
        var audit = new ReservationAudit(settings.DbConnection, settings.Redis);
        var windowStart = await audit.FreeWindowStartAsync();
        var streamStart = await audit.StreamEndAsync();
        var created = new CreatedStays();
        var mix = new ReservationMix(new StayPlanner(windowStart, Environment.ProcessId), created, clock);
        var clients = plan.Groups.Select(g => g.Client).Append(BenchClients.Load).Distinct()
            .ToDictionary(c => c, c => ClientFactory.Create(settings.Gateway, settings.ApiKey(c)));
        var progress = LiveProgress.ForConsole();
        // A frozen replica must never be left behind: disposing the run thaws it, whatever the run did.
        using var run = new ScenarioRun(settings, audit, mix, clock, clients, progress.WriteLine);
        Console.WriteLine($"{plan.Name}{(plan.IsShort ? " --short" : "")}: {plan.Shape}; {plan.DurationMs / 1000:0} s, window from {windowStart:yyyy-MM-dd}");

        // Warm-up, not recorded: open a few connections per client, then send the mix for a while so the
        // gateway's and the replicas' request paths are compiled (tiered JIT) before the clock starts; a
        // fresh platform's first seconds would otherwise set every "before" a verdict compares with.
        foreach (var client in clients.Values)
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync(new Uri("/api/v1/health", UriKind.Relative))));
        await WarmUpAsync(run);
        clock.Restart();

        run.Users.AddRange(UsersOf(plan.Groups, run));
        await scenario.ArrangeAsync(run);
        await progress.ShowAsync(run.Log, clock, plan.DurationMs, () => scenario.SendAsync(run));
        var durationMs = Math.Min(clock.ElapsedMs, run.StopRun.IsCancellationRequested ? clock.ElapsedMs : plan.DurationMs);
        await run.StopBesideAsync();
        await scenario.FinishAsync(run);
        var result = new RunResult(run.Log.Snapshot().Where(scenario.Counts).ToList(), durationMs);

        var report = run.Report;
        scenario.Judge(result, report);
        report.Verdicts.AddRange(await audit.RunAsync(created.Codes(), windowStart, streamStart, scenario.OutboxCatchUp));
        if (run.Events.Count > 0)
            report.Sections.Add(("Events", string.Concat(run.Events.Select(e => $"- {e}\n"))));

        var directory = ReportWriter.Directory(settings.ReportsDir, plan.Name, clock.StartedUtc);
        var table = ReportWriter.Write(directory, plan, command, clock.StartedUtc, durationMs, result.Records, report,
            MachineInfo.GitCommit(settings.Platform.Layout.Root));

        Console.WriteLine();
        Console.WriteLine(table);
        foreach (var verdict in report.Verdicts)
            Console.WriteLine(verdict.Markdown);
        Console.WriteLine($"\n{(report.Passed ? "PASSED" : "FAILED")}: report in {directory}");
        return report.Passed ? 0 : 1;
    }

    /// <summary>
    /// The scenario's warm-up users (<see cref="Scenario.WarmUpGroups"/>) send for its warm-up; nothing is
    /// recorded but the creates, which the audit checks like the run's own.
    /// </summary>
    private async Task WarmUpAsync(ScenarioRun run)
    {
        var log = new RequestLog();
        run.Clock.Restart();
        await new OpenModelDriver(run.Clock, log).RunAsync([.. UsersOf(scenario.WarmUpGroups, run)], scenario.Plan.WarmUpMs, CancellationToken.None);
        var records = log.Snapshot();
        run.Event(string.Create(CultureInfo.InvariantCulture,
            $"before the clock: warm-up, {records.Count} requests from {string.Join(" and ", scenario.WarmUpGroups.Select(g => $"{g.Users} {g.Client} users"))} over {scenario.Plan.WarmUpMs / 1000:0} s, not in the tables ({records.Count(r => r.Failed)} failed: {FaultVerdicts.Statuses(records.Where(r => r.Failed))})"));
    }

    /// <summary>Every user of <paramref name="groups"/>, each sending the mix as its group's client from its own start.</summary>
    private static IEnumerable<VirtualUser> UsersOf(IEnumerable<UserGroup> groups, ScenarioRun run) =>
        groups.SelectMany(g => Enumerable.Range(0, g.Users).Select(i =>
            new VirtualUser(g.Client, g.StartMs(i), g.IntervalMs, at => run.Mix.SendAsync(g.Sends, run.Clients[g.Client], g.Client, at, g.RateLimitExpected))));
}
