using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Identity;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Proxy;
using Platform.Gateway.Tests.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>
/// A table of hostile requests, through a real gateway and straight at a real replica: forged and
/// stale identities, other clients' codes, guessed codes, reused idempotency keys, keys in the URL,
/// missing, oversized and garbled headers. Every one must get its 4xx problem+json, none may reveal a
/// victim's personal data, and afterwards the victims' reservations are as they were.
/// </summary>
public sealed class HostileRequestTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    private const string AcmeKey = "hostile-acme-0b7e-key";
    private const string GlobexKey = "hostile-globex-f3a1-key";
    private const string ReaderKey = "hostile-reader-92cd-key";
    private const string CreatorKey = "hostile-creator-5e60-key";
    private const string Reservations = "/api/v1/reservations";

    /// <summary>A request of the table: who sends it where, and the one answer it must get.</summary>
    private sealed record Hostile(string Name, Target Target, HttpMethod Method, string Path, HttpStatusCode Status, string Type)
    {
        public string? ApiKey { get; init; }
        public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];
        public JsonNode? Body { get; init; }
    }

    private enum Target { Gateway, Replica }

    [Fact]
    public async Task Every_hostile_request_is_a_4xx_problem_that_reveals_and_changes_nothing()
    {
        var gateway = await StartGatewayAsync(Merge(
            IdentitySettings.ClientSettings("acme", AcmeKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage),
            IdentitySettings.ClientSettings("globex", GlobexKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage),
            IdentitySettings.ClientSettings("reader", ReaderKey, "standard", TestIdentity.Read),
            IdentitySettings.ClientSettings("creator", CreatorKey, "standard", TestIdentity.Create)));

        // The victims: globex's reservation, and two anonymous guests' (each with its own secret), all
        // with personal data no hostile answer may contain.
        var marker = Guid.NewGuid().ToString("N")[..12];
        var victimBody = Victim(marker, out var victimPhone);
        var victim = await CreateAsync(gateway, GlobexKey, victimBody, "globex-order-1");
        var guestA = await CreateAsync(gateway, null, Victim(marker, out _), null);
        var guestB = await CreateAsync(gateway, null, Victim(marker, out _), null);
        var secretA = (string)guestA["guestSecret"]!;
        var secretB = (string)guestB["guestSecret"]!;
        var code = (string)victim["code"]!;
        var codeA = (string)guestA["code"]!;
        var acmeOrder = await CreateAsync(gateway, AcmeKey, NewReservation(out _), "acme-order-1");

        var now = DateTimeOffset.UtcNow;
        var read = $"{Reservations}/{code}";
        var validAcme = TestIdentity.Sign("acme", TestIdentity.DefaultScopes, HttpMethod.Get, read);
        var otherKey = RandomNumberGenerator.GetBytes(32);
        Hostile[] table =
        [
            // Through the gateway: other clients' reservations, guessed codes.
            new("another client's code: read", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            new("another client's code: confirm", Target.Gateway, HttpMethod.Post, $"{read}/confirm", HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            new("another client's code: cancel", Target.Gateway, HttpMethod.Post, $"{read}/cancel", HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            new("another client's code in lower case", Target.Gateway, HttpMethod.Get, read.ToLowerInvariant(), HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            new("a guessed code", Target.Gateway, HttpMethod.Get, $"{Reservations}/ZZZZZZZZ", HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            new("SQL in the code", Target.Gateway, HttpMethod.Get, $"{Reservations}/{code}'%20OR%20'1'='1", HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            new("an anonymous guest's code, read by a client", Target.Gateway, HttpMethod.Get, $"{Reservations}/{codeA}", HttpStatusCode.NotFound, ProblemTypes.NotFound) { ApiKey = AcmeKey },
            // Forged identities sent to the gateway: overwritten with the caller's own.
            new("forged admin identity with a client's key", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.NotFound, ProblemTypes.NotFound)
            {
                ApiKey = AcmeKey,
                Headers = [(PlatformHeaders.ClientIdentity, $"v2;globex;{TestIdentity.Admin},{TestIdentity.Read};{now.ToUnixTimeMilliseconds()};{new string('A', 43)}")],
            },
            new("a valid identity for acme replayed through the gateway without a key", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.GuestSecretRequired)
            {
                Headers = [(PlatformHeaders.ClientIdentity, validAcme)],
            },
            new("forged identity without a key: cancel", Target.Gateway, HttpMethod.Post, $"{read}/cancel", HttpStatusCode.Unauthorized, ProblemTypes.GuestSecretRequired)
            {
                Headers = [(PlatformHeaders.ClientIdentity, $"v2;globex;{TestIdentity.Manage};{now.ToUnixTimeMilliseconds()};{new string('A', 43)}")],
            },
            // Scopes.
            new("a read-only key creates", Target.Gateway, HttpMethod.Post, Reservations, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope) { ApiKey = ReaderKey, Body = NewReservation(out _) },
            new("a read-only key confirms", Target.Gateway, HttpMethod.Post, $"{read}/confirm", HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope) { ApiKey = ReaderKey },
            new("a create-only key reads", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope) { ApiKey = CreatorKey },
            new("a create-only key lists by phone", Target.Gateway, HttpMethod.Get, ByPhone(victimPhone), HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope) { ApiKey = CreatorKey },
            // Anonymous guests.
            new("anonymous listing by phone", Target.Gateway, HttpMethod.Get, ByPhone(victimPhone), HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope),
            new("anonymous read without a secret", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.GuestSecretRequired),
            new("anonymous read of a client's code with a guest's secret", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.NotFound, ProblemTypes.NotFound)
            {
                Headers = [(PlatformHeaders.ReservationSecret, secretA)],
            },
            new("anonymous read with another guest's secret", Target.Gateway, HttpMethod.Get, $"{Reservations}/{codeA}", HttpStatusCode.NotFound, ProblemTypes.NotFound)
            {
                Headers = [(PlatformHeaders.ReservationSecret, secretB)],
            },
            new("anonymous cancel with another guest's secret", Target.Gateway, HttpMethod.Post, $"{Reservations}/{codeA}/cancel", HttpStatusCode.NotFound, ProblemTypes.NotFound)
            {
                Headers = [(PlatformHeaders.ReservationSecret, secretB)],
            },
            new("anonymous read with a garbled secret", Target.Gateway, HttpMethod.Get, $"{Reservations}/{codeA}", HttpStatusCode.NotFound, ProblemTypes.NotFound)
            {
                Headers = [(PlatformHeaders.ReservationSecret, "'; DROP TABLE reservations; --")],
            },
            new("anonymous read with an 8 KB secret", Target.Gateway, HttpMethod.Get, $"{Reservations}/{codeA}", HttpStatusCode.NotFound, ProblemTypes.NotFound)
            {
                Headers = [(PlatformHeaders.ReservationSecret, new string('x', 8192))],
            },
            // Keys.
            new("an unknown key", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey) { ApiKey = "guessed-key-123" },
            new("a key differing from a real one in its last character", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey) { ApiKey = GlobexKey[..^1] + "X" },
            new("two X-Api-Key headers", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey)
            {
                Headers = [(PlatformHeaders.ApiKey, AcmeKey), (PlatformHeaders.ApiKey, GlobexKey)],
            },
            new("a 10 KB key", Target.Gateway, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey) { ApiKey = new string('k', 10_240) },
            new("the key in the query (api_key)", Target.Gateway, HttpMethod.Get, $"{read}?api_key={GlobexKey}", HttpStatusCode.BadRequest, ProblemTypes.ApiKeyInQuery),
            new("the key in the query (access_token)", Target.Gateway, HttpMethod.Get, $"{read}?access_token={GlobexKey}", HttpStatusCode.BadRequest, ProblemTypes.ApiKeyInQuery),
            new("the key in the query (APIKEY), with a valid header", Target.Gateway, HttpMethod.Get, $"{read}?APIKEY={GlobexKey}", HttpStatusCode.BadRequest, ProblemTypes.ApiKeyInQuery) { ApiKey = AcmeKey },
            // Idempotency keys.
            new("own idempotency key reused with another body", Target.Gateway, HttpMethod.Post, Reservations, HttpStatusCode.UnprocessableEntity, ProblemTypes.IdempotencyKeyReused)
            {
                ApiKey = AcmeKey,
                Headers = [(PlatformHeaders.IdempotencyKey, "acme-order-1")],
                Body = NewReservation(out _),
            },
            new("another client's idempotency key and body: its own create, refused for the dates", Target.Gateway, HttpMethod.Post, Reservations, HttpStatusCode.Conflict, ProblemTypes.DatesUnavailable)
            {
                ApiKey = AcmeKey,
                Headers = [(PlatformHeaders.IdempotencyKey, "globex-order-1")],
                Body = victimBody,
            },
            // Straight at a replica: only a valid signature from the gateway counts.
            new("no identity", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity),
            new("garbled identity", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, "v2;globex")],
            },
            new("identity signed with another key", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, IdentityToken.Sign(otherKey, new IdentityClaims("globex", TestIdentity.DefaultScopes, "globex", HoldLimits.None.Format()), now.ToUnixTimeMilliseconds(), new SignedRequest("GET", read)))],
            },
            new("identity issued 5 minutes ago", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, TestIdentity.Sign("globex", TestIdentity.DefaultScopes, HttpMethod.Get, read, now.AddMinutes(-5)))],
            },
            new("identity issued 5 minutes from now", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, TestIdentity.Sign("globex", TestIdentity.DefaultScopes, HttpMethod.Get, read, now.AddMinutes(5)))],
            },
            new("identity signed for another code", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, TestIdentity.Sign("globex", TestIdentity.DefaultScopes, HttpMethod.Get, $"{Reservations}/ZZZZZZZZ"))],
            },
            new("identity signed for a read, used to cancel", Target.Replica, HttpMethod.Post, $"{read}/cancel", HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, TestIdentity.Sign("globex", TestIdentity.DefaultScopes, HttpMethod.Get, read))],
            },
            new("a valid identity with its claims raised to admin", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, validAcme.Replace($";{TestIdentity.DefaultScopes};", $";{TestIdentity.DefaultScopes},{TestIdentity.Admin};", StringComparison.Ordinal))],
            },
            new("a valid identity renamed to the victim", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, validAcme.Replace("v2;acme;", "v2;globex;", StringComparison.Ordinal))],
            },
            new("identity of another version", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, "v1" + TestIdentity.Sign("globex", TestIdentity.DefaultScopes, HttpMethod.Get, read)[2..])],
            },
            new("a 2 KB identity", Target.Replica, HttpMethod.Get, read, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity)
            {
                Headers = [(PlatformHeaders.ClientIdentity, TestIdentity.Sign("globex", TestIdentity.DefaultScopes + "," + new string('s', 2048), HttpMethod.Get, read))],
            },
            new("anonymous identity without a secret", Target.Replica, HttpMethod.Get, $"{Reservations}/{codeA}", HttpStatusCode.Unauthorized, ProblemTypes.GuestSecretRequired)
            {
                Headers = [(PlatformHeaders.ClientIdentity, TestIdentity.Sign("anonymous", TestIdentity.Create, HttpMethod.Get, $"{Reservations}/{codeA}"))],
            },
        ];
        Assert.True(table.Length >= 30, $"the table holds {table.Length} requests");

        var wrong = new List<string>();
        foreach (var hostile in table)
        {
            var (status, type, body) = await SendAsync(hostile, gateway);
            var leaked = new[] { marker, victimPhone, "hostile.victim" }.Where(secret => body.Contains(secret, StringComparison.Ordinal)).ToList();
            if (status != hostile.Status || type != hostile.Type || leaked.Count > 0)
                wrong.Add($"{hostile.Name}: expected {(int)hostile.Status} {hostile.Type}, got {(int)status} {type}{(leaked.Count > 0 ? $", revealing {string.Join(", ", leaked)}" : "")}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {table.Length} hostile requests were answered wrongly:\n{string.Join('\n', wrong)}");

        // Nothing changed: each victim reads back as it was created.
        await AssertUnchangedAsync(gateway, read, victim, (PlatformHeaders.ApiKey, GlobexKey));
        await AssertUnchangedAsync(gateway, $"{Reservations}/{codeA}", guestA, (PlatformHeaders.ReservationSecret, secretA));
        await AssertUnchangedAsync(gateway, $"{Reservations}/{(string)acmeOrder["code"]!}", acmeOrder, (PlatformHeaders.ApiKey, AcmeKey));
    }

    private async Task<(HttpStatusCode Status, string? Type, string Body)> SendAsync(Hostile hostile, GatewayProcess gateway)
    {
        using var client = hostile.Target == Target.Gateway ? gateway.CreateClient() : Cluster.Replicas[0].CreateUnsignedClient();
        using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
        if (hostile.ApiKey is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ApiKey, hostile.ApiKey);
        foreach (var (name, value) in hostile.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        if (hostile.Body is not null)
            request.Content = new StringContent(hostile.Body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? (string?)JsonNode.Parse(body)?["type"]
            : $"(not problem+json: {response.Content.Headers.ContentType?.MediaType})";
        return (response.StatusCode, problem, body);
    }

    private static async Task AssertUnchangedAsync(GatewayProcess gateway, string path, JsonObject created, (string Name, string Value) credential)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(credential.Name, credential.Value);
        using var response = await client.SendAsync(request, Cancellation);
        var now = await ExpectAsync(response, HttpStatusCode.OK);
        foreach (var field in new[] { "code", "status", "guestName", "guestEmail", "guestPhone", "checkIn", "checkOut", "totalPrice" })
            Assert.Equal(created[field]?.ToJsonString(), now[field]?.ToJsonString());
    }

    private static async Task<JsonObject> CreateAsync(GatewayProcess gateway, string? apiKey, JsonNode body, string? idempotencyKey)
    {
        using var client = gateway.CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation(PlatformHeaders.ApiKey, apiKey);
        using var response = await PostReservationAsync(client, body, idempotencyKey);
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>A reservation whose guest name and email carry <paramref name="marker"/>, so any answer that reveals them is found.</summary>
    private static JsonObject Victim(string marker, out string phone)
    {
        var body = NewReservation(out phone);
        body["guestName"] = $"Victim {marker}";
        body["guestEmail"] = $"hostile.victim.{marker}@example.com";
        return body;
    }

    private static string ByPhone(string phone) => $"{Reservations}?guestPhone={Uri.EscapeDataString(phone)}";
}
