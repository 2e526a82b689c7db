using System.Globalization;
using System.Net;
using System.Text;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology.Files;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// The flood's shape (2,000 anonymous requests a second, each naming another of
/// <see cref="ForwardedClients.Count"/> addresses through the trusted proxy) sending creates instead of
/// health checks: stays of 30 and 14 nights in turn (14 so that a per-reservation nights limit still leaves
/// something to hoard), at a random accommodation, checking in on a random day of the next year. Beside it
/// the calm clients book. Each second during the run and for the run's tail after the flood, the
/// <see cref="HoardingSampler"/> reads what anonymous callers hold. The holds it leaves expire by
/// themselves and lie before 2100, where no run's window or audit looks.
/// </summary>
public sealed class HoardingScenario(ScenarioPlan plan) : Scenario(plan)
{
    public const string Client = "hoarder";
    public const double MaxHeldSharePercent = 10;
    private const int PerSecond = 2_000;
    private const string NotSent = "(not sent)";
    private const string FloodOver = "flood-over";
    private static readonly int[] StayNights = [30, 14];
    private HoardingSampler? _sampler;
    private long _sent;

    public override async Task ArrangeAsync(ScenarioRun run)
    {
        var http = run.Owns(ForwardedClients.Client(run.Settings.Gateway, BenchClients.ProxyAddress));
        var sampler = new HoardingSampler(run.Settings.DbConnection, run.Clock);
        await sampler.PrepareAsync();
        _sampler = sampler;
        var endMs = Plan.FaultAtMs + Plan.FaultHoldMs;
        run.Users.AddRange(Enumerable.Range(0, PerSecond).Select(i => new VirtualUser(Client, Plan.FaultAtMs + i * 1000.0 / PerSecond, 1000,
            at => at > endMs
                ? Task.FromResult(new RequestRecord(at, 0, NotSent, Client, 0, FloodOver, null, false))
                : SendAsync(http, run.Clock, at, sampler))));
        run.Beside(sampler.RunAsync(run.StopBeside));
    }

    public override bool Counts(RequestRecord record) => record.Endpoint != NotSent || record.ProblemType != FloodOver;

    public override void Judge(RunResult result, Report report)
    {
        var sampler = Arranged(_sampler);
        var samples = sampler.Samples;
        ClientTables.Add(result, report);
        double from = Plan.FaultAtMs, to = Plan.FaultAtMs + Plan.FaultHoldMs;
        var peak = samples.MaxBy(s => s.HeldShare);
        var last = samples.LastOrDefault();
        var floods = result.Records.Where(r => r.Client == Client).ToList();
        var created = floods.Count(r => r.Status == (int)HttpStatusCode.Created);
        report.Verdicts.Add(new Verdict("Hoarding: anonymous held share ≤ 10 %", peak is not null && peak.HeldShare <= MaxHeldSharePercent,
            string.Create(CultureInfo.InvariantCulture,
                $"{floods.Count} anonymous 30- and 14-night creates inside the next {HoardingSampler.HorizonDays} days from {sampler.Today:yyyy-MM-dd}, each naming another of {ForwardedClients.Count:N0} addresses, between {from / 1000:0} s and {to / 1000:0} s: {created} created; peak {Share(peak)} of {sampler.Accommodations} accommodations × {HoardingSampler.HorizonDays} nights at {At(peak)}, {Share(last)} at the last sample ({At(last)}), {samples.Count} samples (limit {MaxHeldSharePercent:0} % at every sample)")));
        var maxHolds = samples.Select(s => s.MaxHolderHolds).DefaultIfEmpty().Max();
        var maxNights = samples.Select(s => s.MaxHolderNights).DefaultIfEmpty().Max();
        var overQuota = samples.Select(s => s.HoldersOverQuota).DefaultIfEmpty().Max();
        report.Verdicts.Add(new Verdict("Hoarding: one address at most its quota", samples.Count > 0 && overQuota == 0, string.Create(CultureInfo.InvariantCulture,
            $"at most {maxHolds} active holds and {maxNights} held nights for any one anonymous holder at any sample; {overQuota} holders over the quota their counter records")));
        var serverErrors = floods.Where(r => r.Status is 0 or >= 500).ToList();
        report.Verdicts.Add(new Verdict("Hoarding: no 5xx to the flood", serverErrors.Count == 0, string.Create(CultureInfo.InvariantCulture,
            $"flood answered {FaultVerdicts.Statuses(floods)}; {serverErrors.Count} 5xx or no answer")));
        var calm = ClientTables.Calm(result.Records);
        var calmFailures = calm.Where(r => r.Failed).ToList();
        report.Verdicts.Add(new Verdict("Hoarding: calm clients book", calm.Count > 0 && calmFailures.Count == 0, string.Create(CultureInfo.InvariantCulture,
            $"{calm.Count} calm creates answered {FaultVerdicts.Statuses(calm)}; {calmFailures.Count} failures")));
        report.Files.Add(("hoarding.csv", sampler.ToCsv()));
    }

    private static string Share(HoardingSample? sample) =>
        sample is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{sample.HeldShare:0.00} % ({sample.HeldNights:N0} nights)");

    private static string At(HoardingSample? sample) =>
        sample is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{sample.AtMs / 1000:0} s");

    private async Task<RequestRecord> SendAsync(HttpClient http, RunClock clock, double scheduledMs, HoardingSampler sampler)
    {
        var n = Interlocked.Increment(ref _sent);
        var nights = StayNights[n % StayNights.Length];
        // Checking in from tomorrow, so that a run across UTC midnight never sends a past date.
        var checkIn = sampler.Today.AddDays(1 + Random.Shared.Next(HoardingSampler.HorizonDays - 1 - nights));
        var accommodation = 1 + Random.Shared.Next((int)Math.Max(1, sampler.Accommodations));
        var phone = string.Create(CultureInfo.InvariantCulture, $"+5492{Random.Shared.NextInt64(10_000_000_000):D10}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
        {
            Content = new StringContent(string.Create(CultureInfo.InvariantCulture,
                $$"""{"accommodationId":{{accommodation}},"guestName":"Hoard Guest","guestEmail":"hoard.guest@example.com","guestPhone":"{{phone}}","checkIn":"{{checkIn:yyyy-MM-dd}}","checkOut":"{{checkIn.AddDays(nights):yyyy-MM-dd}}","guests":1}"""),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(ForwardedClients.Header, ForwardedClients.Next());
        var call = new ReservationMix.Outgoing(http, Client, scheduledMs, RateLimitExpected: true, clock);
        return (await ReservationMix.SendAsync(call, request, Endpoints.Create, HttpStatusCode.Created, null)).Record;
    }
}
