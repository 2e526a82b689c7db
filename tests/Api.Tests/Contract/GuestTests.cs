using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>docs/identity.md, Anonymous guests: the guest secret, shown once, is the only way back to a guest's reservation.</summary>
public class GuestTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Anonymous = "anonymous";

    private HttpClient Guest(int index = 0) => ClientAs(Anonymous, TestIdentity.Create, index);

    private async Task<(string Code, string Secret)> CreateAsGuestAsync(HttpClient? guest = null)
    {
        var created = await CreateAsync(NewStay(), client: guest ?? Guest());
        return ((string)created["code"]!, (string)created["guestSecret"]!);
    }

    [Fact]
    public async Task An_anonymous_create_answers_a_guest_secret_once_and_stores_only_its_hash()
    {
        var body = Body(NewStay());
        var key = $"guest-{Guid.NewGuid():N}";
        using var response = await PostAsync(Guest(), body, key);
        var created = await ExpectAsync(response, HttpStatusCode.Created);
        var code = (string)created["code"]!;
        var secret = (string)created["guestSecret"]!;
        Assert.Equal(32, Base64Url.DecodeFromChars(secret).Length);

        var stored = await QueryScalarAsync<byte[]>("SELECT guest_secret_hash FROM reservations WHERE code = @code", new { code });
        Assert.Equal(SHA256.HashData(Base64Url.DecodeFromChars(secret)), stored);
        Assert.Equal(Anonymous, await QueryScalarAsync<string>("SELECT owner_client FROM reservations WHERE code = @code", new { code }));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND payload LIKE CONCAT('%', @secret, '%')",
            new { code, secret }));

        // A replay (same key, same body) answers the reservation without the secret.
        using var replay = await PostAsync(Guest(1), body, key);
        var replayed = await ExpectAsync(replay, HttpStatusCode.Created);
        Assert.Equal(code, (string?)replayed["code"]);
        Assert.Equal("true", replay.Headers.GetValues(PlatformHeaders.IdempotentReplayed).Single());
        Assert.False(replayed.ContainsKey("guestSecret"));
    }

    [Fact]
    public async Task Guests_idempotency_keys_are_namespaced_by_request_so_none_can_squat_or_probe_another_guests_key()
    {
        // Another guest "reuses" a key a guest used, with its own request: simply its own reservation,
        // no 422 that would tell it the key was taken (and no way to take the key first).
        var key = $"guest-{Guid.NewGuid():N}";
        var first = await ExpectAsync(await PostAsync(Guest(), Body(NewStay()), key), HttpStatusCode.Created);
        using var second = await PostAsync(Guest(1), Body(NewStay()), key);

        var other = await ExpectAsync(second, HttpStatusCode.Created);
        Assert.NotEqual((string?)first["code"], (string?)other["code"]);
        Assert.False(second.Headers.Contains(PlatformHeaders.IdempotentReplayed));
        Assert.NotNull(other["guestSecret"]);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE owner_client = 'anonymous' AND idempotency_key = @key", new { key }));
    }

    [Fact]
    public async Task An_api_clients_create_has_no_guest_secret_and_stores_none()
    {
        var created = await CreateAsync(NewStay());
        Assert.False(created.ContainsKey("guestSecret"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE code = @code AND guest_secret_hash IS NULL",
            new { code = (string)created["code"]! }));
    }

    [Fact]
    public async Task A_guest_reads_confirms_and_cancels_with_its_secret()
    {
        var (code, secret) = await CreateAsGuestAsync();

        using var read = await SendAsync(Guest(1), HttpMethod.Get, $"/api/v1/reservations/{code}", secret);
        var body = await ExpectAsync(read, HttpStatusCode.OK);
        Assert.Equal(code, (string?)body["code"]);
        Assert.False(body.ContainsKey("guestSecret"));
        using var confirmed = await SendAsync(Guest(2), HttpMethod.Post, $"/api/v1/reservations/{code}/confirm", secret);
        Assert.Equal("confirmed", (string?)(await ExpectAsync(confirmed, HttpStatusCode.OK))["status"]);
        using var cancelled = await SendAsync(Guest(), HttpMethod.Post, $"/api/v1/reservations/{code}/cancel", secret);
        Assert.Equal("cancelled", (string?)(await ExpectAsync(cancelled, HttpStatusCode.OK))["status"]);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/confirm")]
    [InlineData("POST", "/cancel")]
    public async Task Without_the_secret_a_guest_gets_401_and_with_a_wrong_or_another_guests_secret_404_and_nothing_changes(
        string method, string action)
    {
        var (code, secret) = await CreateAsGuestAsync();
        var (otherCode, otherSecret) = await CreateAsGuestAsync(Guest(1));
        var path = $"/api/v1/reservations/{code}{action}";

        using (var none = await SendAsync(Guest(), new HttpMethod(method), path, secret: null))
            await ExpectProblemAsync(none, HttpStatusCode.Unauthorized, ProblemTypes.GuestSecretRequired);
        // Asked before any lookup: a code that does not exist answers the same.
        using (var noneMissing = await SendAsync(Guest(), new HttpMethod(method), $"/api/v1/reservations/ZZZZZZZZ{action}", secret: null))
            await ExpectProblemAsync(noneMissing, HttpStatusCode.Unauthorized, ProblemTypes.GuestSecretRequired);

        var wrongSecrets = new[]
        {
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), // well formed, nobody's
            otherSecret,                                                    // another guest's
            "not-a-secret",                                                 // garbled
            "",
        };
        foreach (var wrong in wrongSecrets)
        {
            using var response = await SendAsync(Guest(2), new HttpMethod(method), path, wrong);
            var problem = await ExpectProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            Assert.Equal($"There is no reservation '{code}'.", (string?)problem["detail"]);
        }

        // Its own secret twice is no secret either: which one was meant cannot be known.
        using (var twice = new HttpRequestMessage(new HttpMethod(method), path))
        {
            twice.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, [secret, secret]);
            using var response = await Guest().SendAsync(twice, Cancellation);
            await ExpectProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code", new { code }));
        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @otherCode", new { otherCode }));
    }

    [Fact]
    public async Task A_secret_opens_only_anonymous_reservations_and_api_clients_do_not_need_one()
    {
        var (_, secret) = await CreateAsGuestAsync();
        var clientCode = (string)(await CreateAsync(NewStay()))["code"]!;
        using var response = await SendAsync(Guest(), HttpMethod.Get, $"/api/v1/reservations/{clientCode}", secret);
        await ExpectProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        using var confirm = await SendAsync(Guest(), HttpMethod.Post, $"/api/v1/reservations/{clientCode}/confirm", secret);
        await ExpectProblemAsync(confirm, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @clientCode", new { clientCode }));

        // An API client that is not the owner gets 404 for a guest's reservation, secret or not.
        var (guestCode, guestSecret) = await CreateAsGuestAsync();
        using var byClient = await SendAsync(Client(), HttpMethod.Get, $"/api/v1/reservations/{guestCode}", guestSecret);
        await ExpectProblemAsync(byClient, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Theory]
    [InlineData(TestIdentity.Create)]
    // Even if a misconfigured gateway asserted more: a guest never holds another scope.
    [InlineData($"{TestIdentity.Create},{TestIdentity.Read},{TestIdentity.Admin}")]
    public async Task A_guest_may_not_list_by_phone(string scopes)
    {
        var phone = ReservationRequest.NewPhone();
        await CreateAsync(NewStay(), phone, Guest());
        using var response = await ClientAs(Anonymous, scopes).GetAsync($"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}", Cancellation);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope);
        Assert.Contains("reservations:read", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain(phone, problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Where_anonymous_callers_may_not_create_a_guests_create_is_403_and_writes_nothing()
    {
        var phone = ReservationRequest.NewPhone();
        using var response = await PostAsync(ClientAs(Anonymous, ""), Body(NewStay(), phone));
        var problem = await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope);
        Assert.Contains("reservations:create", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? secret)
    {
        var request = new HttpRequestMessage(method, path);
        if (secret is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, secret);
        return client.SendAsync(request, Cancellation);
    }
}
