using System.Globalization;
using System.Net;
using System.Text;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Load.Traffic;

namespace Platform.Load.Workload;

/// <summary>
/// One user iteration: ~45 % a fresh create, ~5 % a create overlapping a stay this run created
/// (409 <c>dates-unavailable</c> expected), ~25 % a read of a code this client created, ~15 %
/// availability, ~10 % a list by the phone of one of this client's guests. With nothing created yet, reads and overlaps become fresh creates. A group
/// can instead send one <see cref="RequestKind"/> every turn (health, creates with or without an
/// <c>Idempotency-Key</c>, reads, availability), as the slow-fault scenarios do.
/// </summary>
public sealed class ReservationMix(StayPlanner planner, CreatedStays created, RunClock clock)
{
    /// <summary>Sends one request of the mix as <paramref name="client"/>; 429 is a failure unless <paramref name="rateLimitExpected"/>.</summary>
    public Task<RequestRecord> SendAsync(HttpClient http, string client, double scheduledMs, bool rateLimitExpected)
    {
        var roll = Random.Shared.Next(100);
        var call = NewCall(http, client, scheduledMs, rateLimitExpected);
        return roll switch
        {
            < 45 => CreateAsync(call, planner.Next(), Endpoints.Create),
            < 50 => created.Recent(scheduledMs) is { } target ? OverlapAsync(call, target) : CreateAsync(call, planner.Next(), Endpoints.Create),
            < 75 => created.AnyOf(client) is { } read ? ReadAsync(call, read) : CreateAsync(call, planner.Next(), Endpoints.Create),
            < 90 => AvailabilityAsync(call),
            _ => created.AnyOf(client) is { } guest ? ListAsync(call, guest.Stay.GuestPhone) : CreateAsync(call, planner.Next(), Endpoints.Create),
        };
    }

    /// <summary>Sends one request of <paramref name="kind"/> (the mix, or one kind every time) as <paramref name="client"/>.</summary>
    public Task<RequestRecord> SendAsync(RequestKind kind, HttpClient http, string client, double scheduledMs, bool rateLimitExpected)
    {
        var call = NewCall(http, client, scheduledMs, rateLimitExpected);
        return kind switch
        {
            RequestKind.Mix => SendAsync(http, client, scheduledMs, rateLimitExpected),
            RequestKind.Health => HealthAsync(call),
            RequestKind.Create => CreateAsync(call, planner.Next(), Endpoints.Create),
            // Unique to the request: a retry or a hedge of it can only replay its own result.
            RequestKind.KeyedCreate => CreateAsync(call, planner.Next(), Endpoints.KeyedCreate, Guid.NewGuid().ToString("N")),
            RequestKind.Read => created.AnyOf(client) is { } read ? ReadAsync(call, read) : AvailabilityAsync(call),
            RequestKind.Availability => AvailabilityAsync(call),
            RequestKind.Operator => BackOfficeTraffic.SendAsync(call),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private async Task<RequestRecord> CreateAsync(Outgoing call, Stay stay, string endpoint, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations") { Content = Body(stay) };
        if (idempotencyKey is not null)
            request.Headers.Add(PlatformHeaders.IdempotencyKey, idempotencyKey);
        var (record, body) = await SendAsync(call, request, endpoint, HttpStatusCode.Created, expectedProblem: null);
        if (record.Status == (int)HttpStatusCode.Created && Answers.StringProperty(body, "code") is { } code)
            created.Add(new CreatedStay(code, stay, call.Client, clock.ElapsedMs));
        return record;
    }

    private Task<RequestRecord> OverlapAsync(Outgoing call, CreatedStay target)
    {
        var overlap = target.Stay with { CheckOut = target.Stay.CheckIn.AddDays(1), GuestPhone = planner.Phone(900_000 + Random.Shared.Next(99_999)) };
        return OverlapCoreAsync(call, overlap);
    }

    private async Task<RequestRecord> OverlapCoreAsync(Outgoing call, Stay stay)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations") { Content = Body(stay) };
        var (record, body) = await SendAsync(call, request, Endpoints.CreateOverlap, HttpStatusCode.Conflict, ProblemTypes.DatesUnavailable);
        // An overlap that was accepted is a failure, but the reservation exists: the audit must see it too.
        if (record.Status == (int)HttpStatusCode.Created && Answers.StringProperty(body, "code") is { } code)
            created.Add(new CreatedStay(code, stay, call.Client, clock.ElapsedMs));
        return record;
    }

    private static async Task<RequestRecord> ReadAsync(Outgoing call, CreatedStay stay)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reservations/{stay.Code}");
        return (await SendAsync(call, request, Endpoints.Read, HttpStatusCode.OK, null)).Record;
    }

    private static async Task<RequestRecord> HealthAsync(Outgoing call)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        return (await SendAsync(call, request, Endpoints.Health, HttpStatusCode.OK, null)).Record;
    }

    private async Task<RequestRecord> AvailabilityAsync(Outgoing call)
    {
        var from = planner.WindowStart.AddDays(Random.Shared.Next(0, 60));
        var id = Random.Shared.Next(1, StayPlanner.Accommodations + 1);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/v1/accommodations/{id}/availability?from={Date(from)}&to={Date(from.AddDays(14))}");
        return (await SendAsync(call, request, Endpoints.Availability, HttpStatusCode.OK, null)).Record;
    }

    private static async Task<RequestRecord> ListAsync(Outgoing call, string phone)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}&limit=20");
        return (await SendAsync(call, request, Endpoints.ListByPhone, HttpStatusCode.OK, null)).Record;
    }

    /// <summary>Sends and classifies: a failure is no answer, 5xx, an unexpected 429, or any other status than expected.</summary>
    public static async Task<(RequestRecord Record, string Body)> SendAsync(
        Outgoing call, HttpRequestMessage request, string endpoint, HttpStatusCode expected, string? expectedProblem)
    {
        try
        {
            using var response = await call.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var body = await response.Content.ReadAsStringAsync();
            var latency = call.Clock.ElapsedMs - call.ScheduledMs;
            var status = (int)response.StatusCode;
            var problem = Answers.ProblemType(response.Content.Headers.ContentType, body);
            var ok = response.StatusCode == expected && (expectedProblem is null || Answers.ShortType(problem) == expectedProblem)
                || (status == 429 && call.RateLimitExpected);
            return (new RequestRecord(call.ScheduledMs, latency, endpoint, call.Client, status, problem,
                Answers.Replica(response), !ok, Answers.HasRetryAfter(response)), body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            var reason = ex is TaskCanceledException ? "timeout" : "connection-error";
            return (new RequestRecord(call.ScheduledMs, call.Clock.ElapsedMs - call.ScheduledMs, endpoint, call.Client, 0, reason, null, Failed: true), "");
        }
    }

    private static StringContent Body(Stay stay) => new(
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"accommodationId":{{stay.AccommodationId}},"guestName":"Load Guest","guestEmail":"load.guest@example.com","guestPhone":"{{stay.GuestPhone}}","checkIn":"{{Date(stay.CheckIn)}}","checkOut":"{{Date(stay.CheckOut)}}","guests":1}"""),
        Encoding.UTF8, "application/json");

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Outgoing NewCall(HttpClient http, string client, double scheduledMs, bool rateLimitExpected) => new(http, client, scheduledMs, rateLimitExpected, clock);

    /// <summary>One request's context: who sends it, when it was due.</summary>
    public sealed record Outgoing(HttpClient Http, string Client, double ScheduledMs, bool RateLimitExpected, RunClock Clock);
}
