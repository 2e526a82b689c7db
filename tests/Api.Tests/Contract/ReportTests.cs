using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Api.Reports;
using Platform.Contracts.Reservations;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// The back office's reports agree exactly with what was done, worked out here without SQL: a burst of
/// creates, confirms, cancels and expiries in a month of a far year nobody else books, by an owner of
/// its own, then the reports read as soon as they state a freshness covering the last change, which
/// they must within what they promise (a relay turn and a fold). Bad and hostile parameters are a 400 naming them; a caller without the admin scope, 403.
/// </summary>
public sealed class ReportTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    /// <summary>Promised: a relay turn (Outbox:PollInterval, 500 ms) and a fold; a second more for this machine's scheduling.</summary>
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1.5);

    private static DateTimeOffset AsOf(System.Net.Http.Headers.HttpResponseHeaders headers) =>
        DateTimeOffset.Parse(headers.GetValues(ReportEndpoints.ComputedAtHeader).Single(), CultureInfo.InvariantCulture);

    private sealed record Booking(string Code, int AccommodationId, DateOnly CheckIn, int Nights, decimal Total)
    {
        public string Status { get; set; } = "pre_reserved";
    }

    [Fact]
    public async Task Occupancy_revenue_and_totals_agree_exactly_after_creates_confirms_cancels_and_expiries()
    {
        var year = 2150 + Random.Shared.Next(0, 40);
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 2, 1);
        var owner = $"reports-{Guid.NewGuid():N}"[..24];
        await using var root = await Fixture.OpenRootAsync();
        var places = (await PlaceRow.ReadAsync(root, "id BETWEEN 11 AND 14")).ToDictionary(p => (int)p.Id);

        // Eight stays kept (two straddle the month's end, one starts before it), three that expire.
        using var client = ClientAs(owner, TestIdentity.DefaultScopes);
        using var fleeting = ClientAs(owner, TestIdentity.DefaultScopes, $"{owner}-holder", TestIdentity.Limits(holdSeconds: 1));
        var stays = new List<Booking>();
        (int Accommodation, int Day, int Nights)[] kept = [(11, 0, 3), (11, 5, 2), (12, 1, 7), (12, 29, 4), (13, 10, 1), (13, 12, 5), (14, -2, 4), (14, 20, 12)];
        foreach (var (accommodation, day, nights) in kept)
            stays.Add(await CreateAsync(client, places[accommodation], from.AddDays(day), nights));
        (int Accommodation, int Day, int Nights)[] expiring = [(11, 15, 2), (12, 15, 3), (13, 20, 2)];
        var expired = new List<Booking>();
        foreach (var (accommodation, day, nights) in expiring)
            expired.Add(await CreateAsync(fleeting, places[accommodation], from.AddDays(day), nights));

        await TransitionAsync(client, stays[0], "confirm", "confirmed");
        await TransitionAsync(client, stays[2], "confirm", "confirmed");
        await TransitionAsync(client, stays[3], "confirm", "confirmed");
        await TransitionAsync(client, stays[7], "confirm", "confirmed");
        await TransitionAsync(client, stays[1], "cancel", "cancelled");
        await TransitionAsync(client, stays[7], "cancel", "cancelled");
        // The sweep (every second here) expires the fleeting holds and frees their nights.
        foreach (var stay in expired)
        {
            Assert.True(await Eventually.HoldsAsync(async () => await StatusAsync(client, stay.Code) == "expired", TimeSpan.FromSeconds(15)),
                $"{stay.Code} did not expire");
            stay.Status = "expired";
        }
        // A hold past its expiry reads as expired at once, but its nights count as held until the sweep has
        // expired it (as a create finds them): wait for the sweep's change itself, then for the reports.
        Assert.True(await Eventually.HoldsAsync(async () => await root.ExecuteScalarAsync<int>(
                "SELECT COUNT(*) FROM reservations WHERE code IN @codes AND status = 'expired'", new { codes = expired.Select(s => s.Code) }) == expired.Count,
            TimeSpan.FromSeconds(15)), "the sweep did not expire the holds");

        // The answer states the instant it reflects the database as of; it covers the last change within
        // the freshness promised (one relay turn, Outbox:PollInterval, then the fold), and is exact then.
        var lastChange = DateTimeOffset.UtcNow;
        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        var path = $"occupancy?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&granularity=week";
        JsonNode occupancy = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            (occupancy, var headers) = await GetAsync(admin, path);
            return AsOf(headers) >= lastChange;
        }, Freshness), $"no answer as of {lastChange:O} within {Freshness}");
        var accommodations = await root.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM accommodations");
        Assert.Equal(accommodations, (int)occupancy["accommodations"]!);
        var buckets = occupancy["buckets"]!.AsArray();
        var weeks = Weeks(from, to);
        Assert.Equal(weeks.Count, buckets.Count);
        var active = stays.Concat(expired).Where(s => s.Status is "pre_reserved" or "confirmed").ToList();
        for (var i = 0; i < weeks.Count; i++)
        {
            var (start, end) = weeks[i];
            var bucket = buckets[i]!;
            Assert.Equal(start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string)bucket["start"]!);
            Assert.Equal(end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string)bucket["end"]!);
            Assert.Equal((long)accommodations * (end.DayNumber - start.DayNumber), (long)bucket["nightsAvailable"]!);
            Assert.Equal(Nights(active, "confirmed", start, end), (long)bucket["nightsConfirmed"]!);
            Assert.Equal(Nights(active, "pre_reserved", start, end), (long)bucket["nightsHeld"]!);
            Assert.Equal(Revenue(active, places, "confirmed", start, end), (decimal)bucket["revenueConfirmed"]!);
            Assert.Equal(Revenue(active, places, "pre_reserved", start, end), (decimal)bucket["revenueHeld"]!);
        }

        // One accommodation by month: the same nights, its own availability.
        var (one, _) = await GetAsync(admin, $"occupancy?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&granularity=month&accommodationId=12");
        var month = one["buckets"]!.AsArray().Single()!;
        var twelve = active.Where(s => s.AccommodationId == 12).ToList();
        Assert.Equal(31, (long)month["nightsAvailable"]!);
        Assert.Equal(Nights(twelve, "confirmed", from, to), (long)month["nightsConfirmed"]!);
        Assert.Equal(Nights(twelve, "pre_reserved", from, to), (long)month["nightsHeld"]!);
        Assert.Equal(Math.Round((decimal)Nights(twelve, "confirmed", from, to) / 31, 4), (decimal)month["occupancyConfirmed"]!);

        // Totals for today's creations: this owner's, status by status, exactly.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (totals, totalsHeaders) = await GetAsync(admin, $"totals?createdFrom={today.AddDays(-1):yyyy-MM-dd}&createdTo={today.AddDays(1):yyyy-MM-dd}");
        Assert.True(AsOf(totalsHeaders) >= lastChange, "the totals are older than the occupancy read before them");
        var mine = totals["byOwnerAndStatus"]!.AsArray().Where(c => (string)c!["owner"]! == owner)
            .ToDictionary(c => (string)c!["status"]!, c => ((long)c!["reservations"]!, (long)c!["nights"]!, (decimal)c!["value"]!));
        var expected = stays.Concat(expired).GroupBy(s => s.Status)
            .ToDictionary(g => g.Key, g => ((long)g.Count(), (long)g.Sum(s => s.Nights), g.Sum(s => s.Total)));
        Assert.Equal(expected.OrderBy(e => e.Key), mine.OrderBy(e => e.Key));
        var byOwner = totals["byOwner"]!.AsArray().Single(l => (string)l!["key"]! == owner)!;
        Assert.Equal(11, (long)byOwner["reservations"]!);
        Assert.Equal(["pre_reserved", "confirmed", "cancelled", "expired"], totals["byStatus"]!.AsArray().Take(4).Select(l => (string)l!["key"]!));
    }

    [Theory]
    [InlineData("occupancy?to=2150-02-01", "from")]
    [InlineData("occupancy?from=2150-01-01", "to")]
    [InlineData("occupancy?from=2026-01-01&to=2126-01-01", "to")]
    [InlineData("occupancy?from=2150-02-01&to=2150-01-01", "to")]
    [InlineData("occupancy?from=2150-01-01&to=2150-02-01&granularity=year", "granularity")]
    [InlineData("occupancy?from=2150-01-01&to=2150-02-01&accommodationId=0", "accommodationId")]
    [InlineData("occupancy?from=2150-01-01&to=2150-02-01&accommodationId=1%20OR%201=1", "accommodationId")]
    [InlineData("occupancy?from=2150-01-01&to=2150-02-01&from=2150-01-02", "from")]
    [InlineData("occupancy?from=2150-01-01&to=2150-02-01&owner=x", "owner")]
    [InlineData("totals?createdFrom=2026-01-01", "createdTo")]
    [InlineData("totals?createdFrom=1926-01-01&createdTo=2026-01-01", "createdFrom")]
    [InlineData("totals?createdFrom=2020-01-01&createdTo=2026-01-01", "createdTo")]
    [InlineData("totals?createdFrom=2026-01-01'--&createdTo=2026-02-01", "createdFrom")]
    public async Task A_bad_or_hostile_parameter_is_a_400_naming_it(string pathAndQuery, string field)
    {
        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using var response = await admin.GetAsync($"/api/v1/admin/reports/{pathAndQuery}", Cancellation);
        await BackOfficeChecks.ExpectValidationAsync(response, field);
    }

    [Fact]
    public async Task An_unknown_accommodation_is_404_and_callers_without_the_admin_scope_get_403()
    {
        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using (var unknown = await admin.GetAsync("/api/v1/admin/reports/occupancy?from=2150-01-01&to=2150-02-01&accommodationId=999999", Cancellation))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var reader = Client();
        foreach (var path in new[] { "occupancy?from=2150-01-01&to=2150-02-01", "totals?createdFrom=2026-01-01&createdTo=2026-02-01" })
        {
            using var response = await reader.GetAsync($"/api/v1/admin/reports/{path}", Cancellation);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    private static List<(DateOnly Start, DateOnly End)> Weeks(DateOnly from, DateOnly to)
    {
        var weeks = new List<(DateOnly, DateOnly)>();
        for (var start = from; start < to;)
        {
            var monday = start.AddDays(1);
            while (monday.DayOfWeek != DayOfWeek.Monday)
                monday = monday.AddDays(1);
            var end = monday < to ? monday : to;
            weeks.Add((start, end));
            start = end;
        }
        return weeks;
    }

    private static IEnumerable<DateOnly> NightsIn(Booking stay, DateOnly start, DateOnly end) =>
        Enumerable.Range(0, stay.Nights).Select(stay.CheckIn.AddDays).Where(n => n >= start && n < end);

    private static long Nights(List<Booking> stays, string status, DateOnly start, DateOnly end) =>
        stays.Where(s => s.Status == status).Sum(s => NightsIn(s, start, end).Count());

    private static decimal Revenue(List<Booking> stays, Dictionary<int, PlaceRow> places, string status, DateOnly start, DateOnly end) =>
        stays.Where(s => s.Status == status).Sum(s => NightsIn(s, start, end)
            .Sum(n => StayPrice.Total(n, 1, places[s.AccommodationId].NightlyPrice, places[s.AccommodationId].WeekendPrice)));

    private static async Task<Booking> CreateAsync(HttpClient client, PlaceRow place, DateOnly checkIn, int nights)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/reservations",
            new ReservationRequest((int)place.Id, checkIn, checkIn.AddDays(nights)) { Guests = 1 }.ToJson(), Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        var total = StayPrice.Total(checkIn, nights, place.NightlyPrice, place.WeekendPrice);
        Assert.Equal(total, (decimal)body["totalPrice"]!);
        return new Booking((string)body["code"]!, (int)place.Id, checkIn, nights, total);
    }

    private static async Task TransitionAsync(HttpClient client, Booking stay, string action, string status)
    {
        using var response = await client.PostAsync($"/api/v1/reservations/{stay.Code}/{action}", null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        stay.Status = status;
    }

    private static async Task<string> StatusAsync(HttpClient client, string code)
    {
        using var response = await client.GetAsync($"/api/v1/reservations/{code}", Cancellation);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["status"]!;
    }

    private static async Task<(JsonObject Body, System.Net.Http.Headers.HttpResponseHeaders Headers)> GetAsync(HttpClient admin, string pathAndQuery)
    {
        var response = await admin.GetAsync($"/api/v1/admin/reports/{pathAndQuery}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!, response.Headers);
    }
}
