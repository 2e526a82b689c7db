using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>docs/identity.md, Ownership: a client sees and changes its own reservations only; an admin, everyone's.</summary>
public class OwnershipTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string AdminScopes = $"{TestIdentity.DefaultScopes},{TestIdentity.Admin}";

    private static string NewClient(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Another_clients_code_is_404_for_read_confirm_and_cancel_exactly_like_a_missing_one_and_nothing_changes()
    {
        var owner = ClientAs(NewClient("owner"));
        var other = ClientAs(NewClient("other"), index: 1);
        var created = await CreateAsync(NewStay(), client: owner);
        var code = (string)created["code"]!;

        using var missing = await other.GetAsync("/api/v1/reservations/ZZZZZZZZ", Cancellation);
        var missingProblem = await ExpectProblemAsync(missing, HttpStatusCode.NotFound, ProblemTypes.NotFound);

        using var read = await other.GetAsync($"/api/v1/reservations/{code}", Cancellation);
        var readProblem = await ExpectProblemAsync(read, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Equal((string?)missingProblem["title"], (string?)readProblem["title"]);
        Assert.Equal($"There is no reservation '{code}'.", (string?)readProblem["detail"]);
        foreach (var action in new[] { "confirm", "cancel" })
        {
            using var response = await other.PostAsync($"/api/v1/reservations/{code}/{action}", null, Cancellation);
            var problem = await ExpectProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            Assert.Equal((string?)missingProblem["title"], (string?)problem["title"]);
            Assert.Equal($"There is no reservation '{code}'.", (string?)problem["detail"]);
        }

        // Unchanged, as its owner reads it and in the database: still held, its nights too, one event.
        using var again = await owner.GetAsync($"/api/v1/reservations/{code}", Cancellation);
        var body = await ExpectAsync(again, HttpStatusCode.OK);
        Assert.Equal("pre_reserved", (string?)body["status"]);
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id WHERE r.code = @code", new { code }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code", new { code }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE code = @code AND updated_at = created_at", new { code }));
    }

    [Fact]
    public async Task The_owner_confirms_and_cancels_its_own_and_an_admin_reads_and_changes_anyones()
    {
        var owner = ClientAs(NewClient("owner"));
        var admin = ClientAs(NewClient("admin"), AdminScopes, index: 2);
        var first = (string)(await CreateAsync(NewStay(), client: owner))["code"]!;
        var second = (string)(await CreateAsync(NewStay(), client: owner))["code"]!;

        using var confirmed = await owner.PostAsync($"/api/v1/reservations/{first}/confirm", null, Cancellation);
        Assert.Equal("confirmed", (string?)(await ExpectAsync(confirmed, HttpStatusCode.OK))["status"]);

        using var read = await admin.GetAsync($"/api/v1/reservations/{first}", Cancellation);
        Assert.Equal("confirmed", (string?)(await ExpectAsync(read, HttpStatusCode.OK))["status"]);
        using var cancelled = await admin.PostAsync($"/api/v1/reservations/{second}/cancel", null, Cancellation);
        Assert.Equal("cancelled", (string?)(await ExpectAsync(cancelled, HttpStatusCode.OK))["status"]);
        Assert.Equal("cancelled", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @second", new { second }));
    }

    [Fact]
    public async Task The_same_idempotency_key_from_two_clients_makes_two_reservations()
    {
        var alice = ClientAs(NewClient("alice"));
        var bob = ClientAs(NewClient("bob"), index: 1);
        var key = $"shared-{Guid.NewGuid():N}";
        var aliceBody = Body(NewStay());

        using var fromAlice = await PostAsync(alice, aliceBody, key);
        var aliceCode = (string)(await ExpectAsync(fromAlice, HttpStatusCode.Created))["code"]!;
        using var fromBob = await PostAsync(bob, Body(NewStay()), key);
        var bobCode = (string)(await ExpectAsync(fromBob, HttpStatusCode.Created))["code"]!;
        Assert.False(fromBob.Headers.Contains(PlatformHeaders.IdempotentReplayed));
        Assert.NotEqual(aliceCode, bobCode);

        // Each client's key still replays its own first answer.
        using var replay = await PostAsync(alice, aliceBody, key);
        Assert.Equal(aliceCode, (string?)(await ExpectAsync(replay, HttpStatusCode.Created))["code"]);
        Assert.Equal("true", replay.Headers.GetValues(PlatformHeaders.IdempotentReplayed).Single());
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM reservations WHERE idempotency_key = @key", new { key }));
    }

    [Fact]
    public async Task Listing_by_phone_shows_a_client_its_own_only_and_an_admin_everyones()
    {
        var alice = ClientAs(NewClient("alice"));
        var bob = ClientAs(NewClient("bob"), index: 1);
        var admin = ClientAs(NewClient("admin"), AdminScopes, index: 2);
        var phone = ReservationRequest.NewPhone();
        var aliceCodes = new List<string>();
        for (var i = 0; i < 2; i++)
            aliceCodes.Add((string)(await CreateAsync(NewStay(), phone, alice))["code"]!);
        var bobCode = (string)(await CreateAsync(NewStay(), phone, bob))["code"]!;
        var query = $"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}";

        Assert.Equal(aliceCodes.AsEnumerable().Reverse(), await CodesAsync(alice, query));
        Assert.Equal([bobCode], await CodesAsync(bob, query));
        Assert.Equal([bobCode, .. aliceCodes.AsEnumerable().Reverse()], await CodesAsync(admin, query));
        Assert.Empty(await CodesAsync(ClientAs(NewClient("carol")), query));
    }

    [Fact]
    public async Task Outbox_events_carry_the_owner()
    {
        var client = NewClient("owner");
        var owner = ClientAs(client);
        var code = (string)(await CreateAsync(NewStay(), client: owner))["code"]!;
        using var confirmed = await owner.PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
        await ExpectAsync(confirmed, HttpStatusCode.OK);

        foreach (var eventType in new[] { "reservation.created", "reservation.confirmed" })
        {
            var payload = JsonNode.Parse(await QueryScalarAsync<string>(
                "SELECT payload FROM outbox WHERE reservation_code = @code AND event_type = @eventType", new { code, eventType }))!;
            Assert.Equal(client, (string?)payload["ownerClient"]);
            Assert.Null(payload["guestSecret"]);
        }
        Assert.Equal(client, await QueryScalarAsync<string>("SELECT owner_client FROM reservations WHERE code = @code", new { code }));
    }

    private static async Task<List<string>> CodesAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(query, Cancellation);
        return (await ExpectAsync(response, HttpStatusCode.OK))["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
    }
}
