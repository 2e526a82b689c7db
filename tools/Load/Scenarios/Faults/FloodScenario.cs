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
/// clients: the gateway's memory stays bounded and the calm clients hold. Beside them a polite
/// anonymous guest on its own loopback address (<see cref="GuestAddress"/>, not the trusted proxy)
/// reads health and availability at 4 req/s from the start, before the flood: the anonymous ceiling
/// must refuse the flood, never it (docs/rate-limiting.md, "Who the ceiling refuses first").
/// </summary>
public sealed class FloodScenario(ScenarioPlan plan) : Scenario(plan)
{
    public const string Client = "flood";
    public const string Guest = "polite-guest";

    /// <summary>The polite guest's own address: loopback, so it connects from there, and not the trusted proxy.</summary>
    public static readonly System.Net.IPAddress GuestAddress = System.Net.IPAddress.Parse("127.0.0.5");

    private const double GuestIntervalMs = 250;
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
        // A client bound to the guest's address: the same socket binding the flood's proxy uses, without X-Forwarded-For.
        var guest = run.Owns(ForwardedClients.Client(run.Settings.Gateway, GuestAddress));
        var turn = 0;
        run.Users.Add(new VirtualUser(Guest, 0, GuestIntervalMs, at => GuestReadsAsync(guest, run.Clock, at, Interlocked.Increment(ref turn))));
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
        var guest = result.Records.Where(r => r.Client == Guest).ToList();
        var guestDuring = guest.Count(r => r.ScheduledMs >= from && r.ScheduledMs < to);
        var refused = guest.Count(r => r.Status == 429);
        report.Verdicts.Add(new Verdict("Fault: flood, the polite guest is served", guest.Count > 0 && guestDuring > 0 && guest.All(r => !r.Failed), string.Create(CultureInfo.InvariantCulture,
            $"an anonymous guest on {GuestAddress} reading health and availability at {1000 / GuestIntervalMs:0} req/s from 0 s: {guest.Count} requests ({guestDuring} during the flood), {refused} refused (429), {guest.Count(r => r.Failed)} failed, answered {FaultVerdicts.Statuses(guest)} (bound: 0 refused, 0 failed)")));
        report.Files.Add(("flood.csv", sampler.ToCsv()));
    }

    /// <summary>The guest's turn <paramref name="turn"/>: health and availability in turn; a 429 is a failure for it.</summary>
    private static async Task<RequestRecord> GuestReadsAsync(HttpClient http, RunClock clock, double scheduledMs, int turn)
    {
        var call = new ReservationMix.Outgoing(http, Guest, scheduledMs, RateLimitExpected: false, clock);
        if (turn % 2 == 0)
        {
            using var health = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
            return (await ReservationMix.SendAsync(call, health, Endpoints.Health, System.Net.HttpStatusCode.OK, null)).Record;
        }
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(37).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var availability = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accommodations/{1 + (turn % 100)}/availability?from={from}&to={to}");
        return (await ReservationMix.SendAsync(call, availability, Endpoints.Availability, System.Net.HttpStatusCode.OK, null)).Record;
    }

    private static async Task<RequestRecord> SendAsync(HttpClient http, RunClock clock, double scheduledMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(ForwardedClients.Header, ForwardedClients.Next());
        var call = new ReservationMix.Outgoing(http, Client, scheduledMs, RateLimitExpected: true, clock);
        return (await ReservationMix.SendAsync(call, request, Endpoints.Health, System.Net.HttpStatusCode.OK, null)).Record;
    }
}
