using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology.Files;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// Over the fault's hold, 2,000 anonymous requests a second, each naming another of
/// <see cref="ForwardedClients.Count"/> client addresses through the trusted proxy, beside the calm
/// clients: the gateway's memory stays bounded and the calm clients hold.
/// </summary>
public sealed class FloodScenario(ScenarioPlan plan) : Scenario(plan)
{
    public const string Client = "flood";
    private const int PerSecond = 2_000;
    private const string NotSent = "(not sent)";
    private const string FloodOver = "flood-over";
    private FloodSampler? _sampler;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        var gateway = run.Owns(new MetricsEndpoint(run.Settings.GatewayMetrics));
        var http = run.Owns(ForwardedClients.Client(run.Settings.Gateway, BenchClients.ProxyAddress));
        var endMs = Plan.FaultAtMs + Plan.FaultHoldMs;
        // Every flood user keeps its schedule to the end of the run; past the hold its turns send nothing
        // and leave a marker that Counts drops.
        run.Users.AddRange(Enumerable.Range(0, PerSecond).Select(i => new VirtualUser(Client, Plan.FaultAtMs + i * 1000.0 / PerSecond, 1000,
            at => at > endMs
                ? Task.FromResult(new RequestRecord(at, 0, NotSent, Client, 0, FloodOver, null, false))
                : SendAsync(http, run.Clock, at))));
        _sampler = new FloodSampler(gateway, run.Processes, run.Clock);
        run.Beside(_sampler.RunAsync(run.StopBeside));
        return Task.CompletedTask;
    }

    public override bool Counts(RequestRecord record) => record.Endpoint != NotSent || record.ProblemType != FloodOver;

    public override void Judge(RunResult result, Report report)
    {
        var sampler = Arranged(_sampler);
        var flood = sampler.Samples;
        ClientTables.Add(result, report);
        double from = Plan.FaultAtMs, to = Plan.FaultAtMs + Plan.FaultHoldMs;
        static string Mib(long? kib) => kib is { } k ? string.Create(CultureInfo.InvariantCulture, $"{k / 1024.0:0.0} MiB") : "-";
        var before = flood.Where(s => s.AtMs < from).Select(s => s.RssKib).LastOrDefault();
        var during = flood.Where(s => s.AtMs >= from && s.AtMs < to).Select(s => s.RssKib).DefaultIfEmpty(null).Max();
        var after = flood.Select(s => s.RssKib).LastOrDefault();
        var partitions = flood.Select(s => s.Partitions).DefaultIfEmpty(null).Max();
        var overflow = flood.Select(s => s.Overflow).LastOrDefault();
        var floods = result.Records.Where(r => r.Client == Client).ToList();
        var bounded = partitions is null or <= ForwardedClients.Count && (before is null || during is null || during - before < 512 * 1024);
        report.Verdicts.Add(new Verdict("Fault: flood, memory bounded", bounded, string.Create(CultureInfo.InvariantCulture,
            $"{floods.Count} anonymous requests, each naming another of {ForwardedClients.Count:N0} client addresses through the trusted proxy, between {from / 1000:0} s and {to / 1000:0} s, answered {FaultVerdicts.Statuses(floods)}; gateway RSS {Mib(before)} before, peak {Mib(during)} during, {Mib(after)} after; {FloodSampler.Partitions} peak {partitions?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {FloodSampler.Overflow} {overflow?.ToString(CultureInfo.InvariantCulture) ?? "-"} (bound: partitions ≤ 100,000 and RSS growth < 512 MiB)")));
        report.Verdicts.Add(FaultVerdicts.CalmHolds("Fault: flood, calm clients hold", ClientTables.Calm(result.Records), from, to));
        report.Files.Add(("flood.csv", sampler.ToCsv()));
    }

    private static async Task<RequestRecord> SendAsync(HttpClient http, RunClock clock, double scheduledMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(ForwardedClients.Header, ForwardedClients.Next());
        var call = new ReservationMix.Outgoing(http, Client, scheduledMs, RateLimitExpected: true, clock);
        return (await ReservationMix.SendAsync(call, request, Endpoints.Health, System.Net.HttpStatusCode.OK, null)).Record;
    }
}
