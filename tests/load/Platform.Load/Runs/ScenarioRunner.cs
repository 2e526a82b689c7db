using System.Globalization;
using System.Text;
using Platform.Load.Audit;
using Platform.Load.Cli;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Scenarios;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Runs;

/// <summary>
/// Runs one scenario end to end: traffic (and its fault, break-point search or sampling), the restore,
/// the audit, the report. Returns 0 when every verdict passed, 1 otherwise.
/// </summary>
public sealed class ScenarioRunner(BenchSettings settings, Scenario scenario, string command)
{
    private const int WarmUpUsers = 20;
    private readonly RunClock _clock = new();
    private readonly RequestLog _log = new();
    private readonly Report _report = new();
    private readonly PlatformProcesses _processes = new(settings.StateDir, settings.PlatformScript);
    private readonly List<string> _events = [];

    public async Task<int> RunAsync()
    {
        var audit = new ReservationAudit(settings.DbConnection, settings.Redis);
        var windowStart = await audit.FreeWindowStartAsync();
        var streamStart = await audit.StreamEndAsync();
        var planner = new StayPlanner(windowStart, Environment.ProcessId);
        var created = new CreatedStays();
        var mix = new ReservationMix(planner, created, _clock);
        var clients = scenario.Groups.Select(g => g.Client).Append(ScenarioCatalog.Load).Distinct()
            .ToDictionary(c => c, c => ClientFactory.Create(settings.Gateway, settings.ApiKey(c)));
        Console.WriteLine($"{scenario.Name}{(scenario.IsShort ? " --short" : "")}: {scenario.Shape}; {scenario.DurationMs / 1000:0} s, window from {windowStart:yyyy-MM-dd}");

        // Warm-up, not recorded: open a few connections per client, then send the mix for a while so the
        // gateway's and the replicas' request paths are compiled (tiered JIT) before the clock starts; a
        // fresh platform's first seconds would otherwise set every "before" a verdict compares with.
        foreach (var client in clients.Values)
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync(new Uri("/api/v1/health", UriKind.Relative))));
        await WarmUpAsync(mix, clients);
        _clock.Restart();

        // A frozen replica must never be left behind: disposing thaws it, whatever the run did.
        using var slowFault = SlowFaultRun.Handles(scenario.Kind) ? new SlowFaultRun(settings, scenario, _clock, _processes, Note) : null;
        var driver = new OpenModelDriver(_clock, _log);
        var users = UsersOf(scenario.Groups, mix, clients);

        using var stopRun = new CancellationTokenSource();
        using var stopSide = new CancellationTokenSource();
        var side = new List<Task>();
        StressMonitor? stress = null;
        RssSampler? rss = null;
        MetricsEndpoint? metrics = null;
        PoolSampler? pools = null;
        BacklogSampler? backlog = null;
        var flood = new List<(double AtMs, double? Partitions, double? Overflow, long? RssKib)>();
        double faultMs = 0, restartMs = 0;

        switch (scenario.Kind)
        {
            case ScenarioKind.Stress:
                stress = new StressMonitor(_clock, _log, driver, scenario.WindowMs, at => scenario.Groups.Sum(g => g.ActiveAt(at)));
                side.Add(stress.RunAsync(stopRun, stopSide.Token));
                break;
            case ScenarioKind.Endurance:
                rss = new RssSampler(_processes, _clock);
                side.Add(rss.RunAsync(TimeSpan.FromMilliseconds(scenario.SampleEveryMs), stopSide.Token));
                break;
            case ScenarioKind.NoisyNeighbour:
                users = users.Select(u => u.Client == "noisy" ? u with { StartMs = u.StartMs + scenario.DurationMs / 4 } : u).ToList();
                break;
            case ScenarioKind.FaultKillReplica:
                side.Add(AtAsync(scenario.FaultAtMs, async () =>
                {
                    faultMs = _clock.ElapsedMs;
                    Note($"kill -9 api-2: {await _processes.SignalAsync("api-2", "KILL")}");
                }));
                break;
            case ScenarioKind.FaultPoolExhaustion:
                pools = new PoolSampler(Enumerable.Range(1, settings.Replicas).Select(n => ($"api-{n}", settings.ReplicaMetrics(n))).ToList(), _clock);
                side.Add(pools.RunAsync(TimeSpan.FromMilliseconds(500), stopSide.Token));
                break;
            case ScenarioKind.FaultStopMariaDb or ScenarioKind.FaultStopRedis:
                if (scenario.Kind == ScenarioKind.FaultStopRedis)
                {
                    backlog = new BacklogSampler(audit, _clock);
                    side.Add(backlog.RunAsync(TimeSpan.FromSeconds(1), stopSide.Token));
                }
                var server = scenario.Kind == ScenarioKind.FaultStopMariaDb ? "mariadb" : "redis";
                side.Add(AtAsync(scenario.FaultAtMs, async () =>
                {
                    faultMs = _clock.ElapsedMs;
                    Note($"SIGTERM {server}: {await _processes.SignalAsync(server, "TERM")}");
                    await Task.Delay(TimeSpan.FromMilliseconds(scenario.FaultHoldMs));
                    restartMs = _clock.ElapsedMs;
                    var (code, output) = await _processes.UpAsync();
                    Note($"platform up exited {code} after {(_clock.ElapsedMs - restartMs) / 1000:0.0} s");
                    if (code != 0)
                        _report.Sections.Add(("platform up output", $"```\n{output}\n```\n"));
                }));
                break;
            case ScenarioKind.FaultFlood:
                metrics = new MetricsEndpoint(settings.GatewayMetrics);
                var floodClient = ForwardedClients.Client(settings.Gateway, settings.ProxyAddress);
                users.AddRange(Enumerable.Range(0, 2_000).Select(i => new VirtualUser("flood", scenario.FaultAtMs + i * 1000.0 / 2_000, 1000,
                    at => at > scenario.FaultAtMs + scenario.FaultHoldMs
                        ? Task.FromResult(new RequestRecord(at, 0, "(not sent)", "flood", 0, "flood-over", null, false))
                        : FloodAsync(floodClient, at))));
                side.Add(SampleFloodAsync(metrics, flood, stopSide.Token));
                break;
            case ScenarioKind.FaultFreezeReplica or ScenarioKind.FaultSlowReplica or ScenarioKind.FaultStallDatabase:
                await slowFault!.StartAsync(side, stopSide.Token);
                break;
        }

        if (scenario.Kind == ScenarioKind.FaultPoolExhaustion)
        {
            var pool = new ClosedLoopDriver(_clock, _log);
            await pool.RunAsync(scenario.ClosedLoopClients, scenario.DurationMs, at => mix.SendAsync(RequestKind.Create, clients[ScenarioCatalog.Load], ScenarioCatalog.Load, at, false));
        }
        else
        {
            await driver.RunAsync(users, scenario.DurationMs, stopRun.Token);
        }

        var durationMs = Math.Min(_clock.ElapsedMs, stopRun.IsCancellationRequested ? _clock.ElapsedMs : scenario.DurationMs);
        await stopSide.CancelAsync();
        await Task.WhenAll(side);
        if (slowFault is not null)
            await slowFault.FinishAsync();
        var records = _log.Snapshot().Where(r => r.Endpoint != "(not sent)" || r.ProblemType != "flood-over").ToList();

        if (scenario.Kind == ScenarioKind.FaultKillReplica)
        {
            var (code, _) = await _processes.UpAsync();
            Note($"platform up after the run exited {code}");
        }

        if (slowFault is not null)
            slowFault.Judge(records, _report);
        else
            Judge(records, durationMs, faultMs, restartMs, stress, rss, flood, pools, backlog);
        _report.Verdicts.AddRange(await audit.RunAsync(created.Codes(), windowStart, streamStart,
            TimeSpan.FromSeconds(scenario.Kind == ScenarioKind.FaultStopRedis ? 60 : 30)));
        if (_events.Count > 0)
            _report.Sections.Add(("Events", string.Concat(_events.Select(e => $"- {e}\n"))));

        var directory = ReportWriter.Directory(settings.ReportsDir, scenario.Name, _clock.StartedUtc);
        var table = ReportWriter.Write(directory, scenario, command, _clock.StartedUtc, durationMs, records, _report,
            MachineInfo.GitCommit(Path.GetDirectoryName(settings.PlatformScript)!));
        foreach (var client in clients.Values)
            client.Dispose();
        metrics?.Dispose();
        pools?.Dispose();

        Console.WriteLine();
        Console.WriteLine(table);
        foreach (var verdict in _report.Verdicts)
            Console.WriteLine(verdict.Markdown);
        Console.WriteLine($"\n{(_report.Passed ? "PASSED" : "FAILED")}: report in {directory}");
        return _report.Passed ? 0 : 1;
    }

    private void Judge(List<RequestRecord> records, double durationMs, double faultMs, double restartMs, StressMonitor? stress, RssSampler? rss,
        List<(double AtMs, double? Partitions, double? Overflow, long? RssKib)> flood, PoolSampler? pools, BacklogSampler? backlog)
    {
        var failures = records.Count(r => r.Failed);
        switch (scenario.Kind)
        {
            case ScenarioKind.Stress:
                _report.Verdicts.Add(new Verdict("Stress break point", true, stress?.BreakPoint ?? $"held to {scenario.PeakUsers} users"));
                break;
            case ScenarioKind.Endurance when rss is not null:
                _report.Sections.Add(("Resident memory", rss.Markdown() + "\nSampled from /proc/<pid>/status (VmRSS) every 10 s: `rss.csv`, `rss.svg`.\n"));
                _report.Files.Add(("rss.csv", rss.ToCsv()));
                _report.Files.Add(("rss.svg", rss.ToSvg($"{scenario.Name}: resident memory")));
                _report.Verdicts.Add(new Verdict("Failures", failures == 0, $"{failures} failed requests"));
                break;
            case ScenarioKind.NoisyNeighbour:
                PerClientTables(records, durationMs);
                var noisy = records.Where(r => r.Client == "noisy").ToList();
                _report.Verdicts.Add(new Verdict("Noisy client limited", noisy.Any(r => r.Status == 429), string.Create(CultureInfo.InvariantCulture,
                    $"noisy client: {noisy.Count} requests, {noisy.Count(r => r.Status == 429)} answered 429 quota-exceeded, {noisy.Count(r => r.Failed)} other failures")));
                _report.Verdicts.Add(FaultVerdicts.CalmHolds("Calm clients hold", records.Where(r => r.Client.StartsWith("calm", StringComparison.Ordinal)).ToList(),
                    durationMs / 4, durationMs));
                break;
            case ScenarioKind.FaultKillReplica:
                _report.Verdicts.Add(FaultVerdicts.KillReplica(records, faultMs, "api-2", durationMs));
                break;
            case ScenarioKind.FaultStopMariaDb:
                _report.Verdicts.Add(FaultVerdicts.StopMariaDb(records, faultMs, restartMs, durationMs));
                break;
            case ScenarioKind.FaultStopRedis when backlog is not null:
                _report.Verdicts.Add(FaultVerdicts.StopRedis(records, faultMs, restartMs, backlog.Samples));
                _report.Files.Add(("outbox-backlog.csv", backlog.ToCsv()));
                break;
            case ScenarioKind.FaultPoolExhaustion when pools is not null:
                _report.Verdicts.Add(FaultVerdicts.PoolExhaustion(records, pools.Samples));
                _report.Files.Add(("pools.csv", pools.ToCsv()));
                break;
            case ScenarioKind.FaultFlood:
                PerClientTables(records, durationMs);
                FloodVerdict(records, flood, durationMs);
                break;
            default:
                _report.Verdicts.Add(new Verdict("Failures", failures == 0, string.Create(CultureInfo.InvariantCulture,
                    $"{failures} failed requests of {records.Count}")));
                break;
        }
    }

    private void FloodVerdict(List<RequestRecord> records, List<(double AtMs, double? Partitions, double? Overflow, long? RssKib)> flood, double durationMs)
    {
        double from = scenario.FaultAtMs, to = scenario.FaultAtMs + scenario.FaultHoldMs;
        static string Mib(long? kib) => kib is { } k ? string.Create(CultureInfo.InvariantCulture, $"{k / 1024.0:0.0} MiB") : "-";
        var before = flood.Where(s => s.AtMs < from).Select(s => s.RssKib).LastOrDefault();
        var during = flood.Where(s => s.AtMs >= from && s.AtMs < to).Select(s => s.RssKib).DefaultIfEmpty(null).Max();
        var after = flood.Select(s => s.RssKib).LastOrDefault();
        var partitions = flood.Select(s => s.Partitions).DefaultIfEmpty(null).Max();
        var overflow = flood.Select(s => s.Overflow).LastOrDefault();
        var floods = records.Where(r => r.Client == "flood").ToList();
        var bounded = partitions is null or <= ForwardedClients.Count && (before is null || during is null || during - before < 512 * 1024);
        _report.Verdicts.Add(new Verdict("Fault: flood, memory bounded", bounded, string.Create(CultureInfo.InvariantCulture,
            $"{floods.Count} anonymous requests, each naming another of {ForwardedClients.Count:N0} client addresses through the trusted proxy, between {from / 1000:0} s and {to / 1000:0} s, answered {FaultVerdicts.Statuses(floods)}; gateway RSS {Mib(before)} before, peak {Mib(during)} during, {Mib(after)} after; gateway_ratelimit_partitions peak {partitions?.ToString(CultureInfo.InvariantCulture) ?? "-"}, gateway_ratelimit_partition_overflow_total {overflow?.ToString(CultureInfo.InvariantCulture) ?? "-"} (bound: partitions ≤ 100,000 and RSS growth < 512 MiB)")));
        _report.Verdicts.Add(FaultVerdicts.CalmHolds("Fault: flood, calm clients hold", records.Where(r => r.Client.StartsWith("calm", StringComparison.Ordinal)).ToList(), from, to));
        var csv = new StringBuilder("offset_s,gateway_rss_mib,ratelimit_partitions,partition_overflow_total\n");
        foreach (var s in flood)
            csv.Append(Csv.Line(Csv.Number(s.AtMs / 1000), s.RssKib is { } k ? Csv.Number(k / 1024.0) : "", s.Partitions is { } p ? Csv.Number(p) : "", s.Overflow is { } o ? Csv.Number(o) : "")).Append('\n');
        _report.Files.Add(("flood.csv", csv.ToString()));
    }

    private void PerClientTables(List<RequestRecord> records, double durationMs)
    {
        foreach (var client in records.Select(r => r.Client).Distinct().Order(StringComparer.Ordinal))
        {
            var own = records.Where(r => r.Client == client).ToList();
            _report.Sections.Add(($"Client {client}", EndpointTable.Markdown(EndpointTable.Rows(own, durationMs)) + "\n" + FailureGroups.Markdown(FailureGroups.Of(own))));
        }
    }

    /// <summary>Each second: the gateway's RSS, and its partitions and overflow from one scrape of its metrics.</summary>
    private Task SampleFloodAsync(MetricsEndpoint metrics, List<(double, double?, double?, long?)> samples, CancellationToken stop) =>
        Sampling.EveryAsync(TimeSpan.FromSeconds(1), async () =>
        {
            var rss = _processes.Pid("gateway") is { } pid ? PlatformProcesses.RssKib(pid) : null;
            var page = await metrics.ScrapeAsync();
            double? Read(string metric) => page is null ? null : MetricsEndpoint.Parse(page, metric);
            samples.Add((_clock.ElapsedMs, Read("gateway_ratelimit_partitions"), Read("gateway_ratelimit_partition_overflow_total"), rss));
        }, stop);

    private async Task<RequestRecord> FloodAsync(HttpClient client, double scheduledMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(ForwardedClients.Header, ForwardedClients.Next());
        var call = new ReservationMix.Outgoing(client, "flood", scheduledMs, RateLimitExpected: true, _clock);
        return (await ReservationMix.SendAsync(call, request, Endpoints.Health, System.Net.HttpStatusCode.OK, null)).Record;
    }

    /// <summary>
    /// <see cref="WarmUpUsers"/> users of the load client send the mix for the scenario's warm-up; nothing
    /// is recorded but the creates, which the audit checks like the run's own.
    /// </summary>
    private async Task WarmUpAsync(ReservationMix mix, IReadOnlyDictionary<string, HttpClient> clients)
    {
        var log = new RequestLog();
        _clock.Restart();
        await new OpenModelDriver(_clock, log).RunAsync(UsersOf([new UserGroup(ScenarioCatalog.Load, WarmUpUsers)], mix, clients), scenario.WarmUpMs, CancellationToken.None);
        var records = log.Snapshot();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"before the clock: warm-up, {records.Count} requests of the mix from {WarmUpUsers} users over {scenario.WarmUpMs / 1000:0} s, not in the tables ({records.Count(r => r.Failed)} failed: {FaultVerdicts.Statuses(records.Where(r => r.Failed))})");
        lock (_events)
            _events.Add(line);
        Console.WriteLine(line);
    }

    /// <summary>Every user of <paramref name="groups"/>, each sending the mix as its group's client from its own start.</summary>
    private static List<VirtualUser> UsersOf(IEnumerable<UserGroup> groups, ReservationMix mix, IReadOnlyDictionary<string, HttpClient> clients) =>
        groups.SelectMany(g => Enumerable.Range(0, g.Users).Select(i =>
            new VirtualUser(g.Client, g.StartMs(i), g.IntervalMs, at => mix.SendAsync(g.Sends, clients[g.Client], g.Client, at, g.RateLimitExpected)))).ToList();

    private async Task AtAsync(double atMs, Func<Task> action)
    {
        var wait = atMs - _clock.ElapsedMs;
        if (wait > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        await action();
    }

    private void Note(string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{_clock.ElapsedMs / 1000:0.0} s: {text}");
        lock (_events)
            _events.Add(line);
        Console.WriteLine(line);
    }
}
