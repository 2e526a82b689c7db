using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// docs/api.md, Limits: what a caller may hold, from the limits the gateway signs, enforced by the
/// replica: horizon and nights per reservation before the database, the holder's quotas exactly in
/// the create's batch, released when a hold is cancelled, confirmed or expires; the confirm policy.
/// Each test counts under a holder of its own, so tests never share a quota.
/// </summary>
public class HoldLimitTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Anonymous = "anonymous";

    /// <summary>The anonymous defaults of the gateway (appsettings): 2 holds, 14 nights, 14 a reservation, 730 days, no confirming.</summary>
    private static readonly string GuestDefaults = TestIdentity.Limits(2, 14, 14, 730, mayConfirm: false, holdSeconds: 600);

    private HttpClient Signed(string client, string scopes, string holder, string limits, int index = 0) =>
        ClientAs(client, scopes, holder, limits, index);

    private static string NewHolder() => TestIdentity.AnonymousHolder(Guid.NewGuid().ToString());

    private HttpClient Guest(string holder, string? limits = null, int index = 0) =>
        Signed(Anonymous, TestIdentity.Create, holder, limits ?? GuestDefaults, index);

    private static JsonObject Nights(int nights, int daysAhead = 400)
    {
        var stay = NewStay(nights);
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysAhead + (stay.CheckIn.DayNumber % 200));
        return Body(stay with { CheckIn = checkIn, CheckOut = checkIn.AddDays(nights) });
    }

    [Theory]
    [InlineData(731)]
    [InlineData(3000)]
    public async Task A_check_in_beyond_the_horizon_is_a_422_of_its_own_type_and_writes_nothing(int daysAhead)
    {
        var holder = NewHolder();
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysAhead);
        var body = Body(NewStay() with { CheckIn = checkIn, CheckOut = checkIn.AddDays(2) });

        using var response = await PostAsync(Guest(holder), body);

        await ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.BeyondBookingHorizon);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE holder = @holder", new { holder }));
    }

    [Fact]
    public async Task The_last_day_of_the_horizon_is_accepted_and_the_end_of_the_calendar_is_not()
    {
        var holder = NewHolder();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var last = Body(NewStay() with { CheckIn = today.AddDays(730), CheckOut = today.AddDays(731) });
        using (var accepted = await PostAsync(Guest(holder), last))
            await ExpectAsync(accepted, HttpStatusCode.Created);

        using var farthest = await PostRawAsync(Guest(holder),
            """{"accommodationId":7,"guestName":"Ana","guestEmail":"ana@example.com","guestPhone":"+5491155550000","checkIn":"9999-12-30","checkOut":"9999-12-31","guests":1}""");
        await ExpectProblemAsync(farthest, HttpStatusCode.UnprocessableEntity, ProblemTypes.BeyondBookingHorizon);
    }

    [Fact]
    public async Task More_nights_than_a_reservation_may_cover_is_a_422_of_its_own_type()
    {
        var holder = NewHolder();
        using var response = await PostAsync(Guest(holder), Nights(15));
        await ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.TooManyNights);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE holder = @holder", new { holder }));
    }

    [Fact]
    public async Task Over_the_hold_quota_is_a_409_with_retry_after_and_nothing_is_written()
    {
        var holder = NewHolder();
        var guest = Guest(holder);
        for (var i = 0; i < 2; i++)
        {
            using var created = await PostAsync(guest, Nights(3));
            await ExpectAsync(created, HttpStatusCode.Created);
        }
        var before = await CountAsync("SELECT COUNT(*) FROM outbox");

        using var third = await PostAsync(Guest(holder, index: 1), Nights(3));

        var problem = await ExpectProblemAsync(third, HttpStatusCode.Conflict, ProblemTypes.HoldQuotaExceeded);
        Assert.DoesNotContain(holder, problem.ToJsonString(), StringComparison.Ordinal);
        var retryAfter = int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600 + 2);
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM reservations WHERE holder = @holder", new { holder }));
        Assert.Equal(2, await CountAsync("SELECT holds FROM hold_counters WHERE holder = @holder", new { holder }));
        Assert.Equal(6, await CountAsync("SELECT nights FROM hold_counters WHERE holder = @holder", new { holder }));
        Assert.Equal(before, await CountAsync("SELECT COUNT(*) FROM outbox"));
    }

    [Fact]
    public async Task Over_the_held_nights_quota_is_a_409_even_with_holds_to_spare()
    {
        var holder = NewHolder();
        using (var first = await PostAsync(Guest(holder), Nights(10)))
            await ExpectAsync(first, HttpStatusCode.Created);

        using var second = await PostAsync(Guest(holder), Nights(5));

        await ExpectProblemAsync(second, HttpStatusCode.Conflict, ProblemTypes.HoldQuotaExceeded);
        using var fits = await PostAsync(Guest(holder), Nights(4));
        await ExpectAsync(fits, HttpStatusCode.Created);
        Assert.Equal(14, await CountAsync("SELECT nights FROM hold_counters WHERE holder = @holder", new { holder }));
    }

    [Fact]
    public async Task Concurrent_creates_racing_for_the_last_slot_get_exactly_one()
    {
        var holder = NewHolder();
        var limits = TestIdentity.Limits(maxHolds: 1, maxHeldNights: 100);
        var attempts = Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await PostAsync(Signed("racer", TestIdentity.DefaultScopes, holder, limits, i % 3), Nights(2));
            return response.StatusCode;
        });

        var answers = await Task.WhenAll(attempts);

        Assert.Equal(1, answers.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(11, answers.Count(status => status == HttpStatusCode.Conflict));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE holder = @holder", new { holder }));
        Assert.Equal(1, await CountAsync("SELECT holds FROM hold_counters WHERE holder = @holder", new { holder }));
    }

    [Fact]
    public async Task Cancelling_and_confirming_a_hold_give_its_count_back()
    {
        var holder = $"quota-{Guid.NewGuid():N}"[..30];
        var limits = TestIdentity.Limits(maxHolds: 1, maxHeldNights: 10);
        var client = Signed("quota-client", TestIdentity.DefaultScopes, holder, limits);

        var first = await ExpectAsync(await PostAsync(client, Nights(3)), HttpStatusCode.Created);
        using (var refused = await PostAsync(client, Nights(3)))
            await ExpectProblemAsync(refused, HttpStatusCode.Conflict, ProblemTypes.HoldQuotaExceeded);
        using (var cancelled = await client.PostAsync($"/api/v1/reservations/{first["code"]}/cancel", null, Cancellation))
            await ExpectAsync(cancelled, HttpStatusCode.OK);

        var second = await ExpectAsync(await PostAsync(client, Nights(3)), HttpStatusCode.Created);
        using (var confirmed = await client.PostAsync($"/api/v1/reservations/{second["code"]}/confirm", null, Cancellation))
            await ExpectAsync(confirmed, HttpStatusCode.OK);
        // A confirmed reservation is no longer a hold: cancelling it now gives nothing back twice.
        using (var cancelledAfter = await client.PostAsync($"/api/v1/reservations/{second["code"]}/cancel", null, Cancellation))
            await ExpectAsync(cancelledAfter, HttpStatusCode.OK);

        using var third = await PostAsync(client, Nights(3));
        await ExpectAsync(third, HttpStatusCode.Created);
        Assert.Equal(1, await CountAsync("SELECT holds FROM hold_counters WHERE holder = @holder", new { holder }));
        Assert.Equal(3, await CountAsync("SELECT nights FROM hold_counters WHERE holder = @holder", new { holder }));
    }

    [Fact]
    public async Task An_expired_hold_gives_its_count_back()
    {
        var holder = NewHolder();
        var limits = TestIdentity.Limits(maxHolds: 1, maxHeldNights: 10, holdSeconds: 1);
        var guest = Guest(holder, limits);
        var created = await ExpectAsync(await PostAsync(guest, Nights(3)), HttpStatusCode.Created);
        Assert.True((DateTime)created["expiresAt"]! - (DateTime)created["createdAt"]! <= TimeSpan.FromSeconds(1.01), "the signed hold time was not used");

        // The sweep runs every second in these tests.
        await Eventually.AssertAsync(async () =>
            await CountAsync("SELECT holds FROM hold_counters WHERE holder = @holder", new { holder }) == 0,
            TimeSpan.FromSeconds(20), "the expired hold's count was not given back");
        using var again = await PostAsync(guest, Nights(3));
        await ExpectAsync(again, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_caller_that_may_not_confirm_gets_a_403_of_its_own_type_and_nothing_changes()
    {
        var holder = NewHolder();
        var created = await ExpectAsync(await PostAsync(Guest(holder), Nights(2)), HttpStatusCode.Created);
        var code = (string)created["code"]!;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/reservations/{code}/confirm");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, (string)created["guestSecret"]!);
        using var response = await Guest(holder).SendAsync(request, Cancellation);

        await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.ConfirmNotAllowed);
        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code }));
    }

    [Fact]
    public async Task A_hold_from_before_the_counters_is_released_without_going_below_zero()
    {
        var holder = NewHolder();
        var guest = Guest(holder);
        var created = await ExpectAsync(await PostAsync(guest, Nights(2)), HttpStatusCode.Created);
        // As if the hold predated migration 004's counters: the counter knows nothing of it.
        await QueryScalarAsync<object>("UPDATE hold_counters SET holds = 0, nights = 0 WHERE holder = @holder; SELECT 1", new { holder });

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/reservations/{created["code"]}/cancel");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, (string)created["guestSecret"]!);
        using (var cancelled = await guest.SendAsync(request, Cancellation))
            await ExpectAsync(cancelled, HttpStatusCode.OK);

        Assert.Equal(0, await CountAsync("SELECT holds FROM hold_counters WHERE holder = @holder", new { holder }));
        Assert.Equal(0, await CountAsync("SELECT nights FROM hold_counters WHERE holder = @holder", new { holder }));
    }

    [Fact]
    public async Task A_keyed_client_without_limits_keeps_booking_far_ahead_with_no_counter()
    {
        var created = await CreateAsync(StayAt(11, nights: 30));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE code = @code AND holder IS NOT NULL",
            new { code = (string)created["code"]! }));
    }

    [Fact]
    public async Task The_anonymous_budget_refuses_a_hold_once_all_anonymous_holds_hold_it()
    {
        var holder = NewHolder();
        var shard = HoldShard(holder);
        var held = await CountAsync("SELECT COALESCE(SUM(nights), 0) FROM hold_budget WHERE shard = @shard", new { shard });
        // A replica whose budget leaves this holder's shard room for exactly 5 more nights.
        var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Reservations__AnonymousHeldNightsBudget"] = ((held + 5) * 16).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var guest = replica.CreateClient(Anonymous, TestIdentity.Create, holder, TestIdentity.Limits(10, 100, 30, 3650, false, 600));
        try
        {
            using (var fits = await PostAsync(guest, Nights(5)))
                await ExpectAsync(fits, HttpStatusCode.Created);

            using var over = await PostAsync(guest, Nights(1));

            await ExpectProblemAsync(over, HttpStatusCode.Conflict, ProblemTypes.AnonymousHoldBudgetExhausted);
            Assert.True(over.Headers.Contains("Retry-After"));
            Assert.Equal(held + 5, await CountAsync("SELECT nights FROM hold_budget WHERE shard = @shard", new { shard }));
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE holder = @holder", new { holder }));
            var metrics = await replica.ReadMetricsAsync(Cancellation);
            Assert.Equal(1, PrometheusText.Value(metrics, "api_reservation_limit_refusals_total", "reason=\"anonymous-budget\""));
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }

    /// <summary>The replicas' shard of a holder (FNV-1a of its characters, mod 16), as HoldQuotas computes it.</summary>
    private static int HoldShard(string holder)
    {
        var hash = 2166136261u;
        foreach (var c in holder)
            hash = (hash ^ c) * 16777619u;
        return (int)(hash % 16);
    }

}
