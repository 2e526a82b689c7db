using System.Net;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Proxy;
using Platform.Gateway.Tests.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>
/// Ownership and scopes end to end, through a real gateway to the real replicas and database: the
/// replica checks the identity the gateway signed. These need the replica side of issue 14.
/// </summary>
public sealed class EndToEndIdentityTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    private const string AcmeKey = "e2e-acme-3f9d-key";
    private const string GlobexKey = "e2e-globex-81c2-key";
    private const string ReaderKey = "e2e-reader-6a07-key";
    private const string AdminKey = "e2e-admin-d45e-key";

    private static readonly Dictionary<string, string> Clients = Merge(
        IdentitySettings.ClientSettings("acme", AcmeKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage),
        IdentitySettings.ClientSettings("globex", GlobexKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage),
        IdentitySettings.ClientSettings("reader", ReaderKey, "standard", TestIdentity.Read),
        IdentitySettings.ClientSettings("backoffice", AdminKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage, TestIdentity.Admin));

    [Fact]
    public async Task Another_clients_reservation_is_not_found_and_not_changed()
    {
        var gateway = await StartGatewayAsync(Clients);
        var (code, status) = await CreateAsync(gateway, AcmeKey);
        var globex = Keyed(gateway, GlobexKey);

        using (var read = await globex.GetAsync($"/api/v1/reservations/{code}", Cancellation))
            await ExpectProblemAsync(read, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        using (var confirm = await globex.PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation))
            await ExpectProblemAsync(confirm, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        using (var cancel = await globex.PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation))
            await ExpectProblemAsync(cancel, HttpStatusCode.NotFound, ProblemTypes.NotFound);

        using var own = await Keyed(gateway, AcmeKey).GetAsync($"/api/v1/reservations/{code}", Cancellation);
        var reservation = await ExpectAsync(own, HttpStatusCode.OK);
        Assert.Equal(code, (string?)reservation["code"]);
        Assert.Equal(status, (string?)reservation["status"]);
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(3, PrometheusText.Value(metrics, "gateway_client_denials_total", "client=\"globex\",code=\"404\""));
    }

    [Fact]
    public async Task A_key_without_the_scope_is_a_403_naming_it()
    {
        var gateway = await StartGatewayAsync(Clients);

        using var response = await PostReservationAsync(Keyed(gateway, ReaderKey), NewReservation(out _));

        var problem = await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope);
        Assert.Contains(TestIdentity.Create, problem.ToJsonString(), StringComparison.Ordinal);
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_client_denials_total", "client=\"reader\",code=\"403\""));
    }

    [Fact]
    public async Task An_anonymous_listing_by_phone_is_a_403()
    {
        var gateway = await StartGatewayAsync(Clients);

        using var response = await ClientFor(gateway).GetAsync("/api/v1/reservations?guestPhone=%2B5491100000000", Cancellation);

        await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope);
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_client_denials_total", "client=\"anonymous\",code=\"403\""));
    }

    [Fact]
    public async Task Listing_by_phone_shows_only_the_callers_own_reservations_and_an_admin_sees_every_clients()
    {
        var gateway = await StartGatewayAsync(Clients);
        using var created = await PostReservationAsync(Keyed(gateway, AcmeKey), NewReservation(out var phone));
        var code = (string?)(await ExpectAsync(created, HttpStatusCode.Created))["code"];
        var byPhone = $"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}";

        Assert.Equal(1, await CountAsync(Keyed(gateway, AcmeKey), byPhone));
        Assert.Equal(0, await CountAsync(Keyed(gateway, GlobexKey), byPhone));
        Assert.Equal(1, await CountAsync(Keyed(gateway, AdminKey), byPhone));
        using var adminRead = await Keyed(gateway, AdminKey).GetAsync($"/api/v1/reservations/{code}", Cancellation);
        await ExpectAsync(adminRead, HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_same_idempotency_key_from_two_clients_makes_two_reservations()
    {
        var gateway = await StartGatewayAsync(Clients);
        var key = Guid.NewGuid().ToString();

        using var first = await PostReservationAsync(Keyed(gateway, AcmeKey), NewReservation(out _), key);
        using var second = await PostReservationAsync(Keyed(gateway, GlobexKey), NewReservation(out _), key);

        var a = (string?)(await ExpectAsync(first, HttpStatusCode.Created))["code"];
        var b = (string?)(await ExpectAsync(second, HttpStatusCode.Created))["code"];
        Assert.NotEqual(a, b);
    }

    private HttpClient Keyed(GatewayProcess gateway, string apiKey)
    {
        var client = ClientFor(gateway);
        client.DefaultRequestHeaders.TryAddWithoutValidation(PlatformHeaders.ApiKey, apiKey);
        return client;
    }

    private async Task<(string Code, string? Status)> CreateAsync(GatewayProcess gateway, string apiKey)
    {
        using var response = await PostReservationAsync(Keyed(gateway, apiKey), NewReservation(out _));
        var body = await ExpectAsync(response, HttpStatusCode.Created);
        return ((string?)body["code"] ?? throw new InvalidOperationException($"no code in {body}"), (string?)body["status"]);
    }

    private static async Task<int> CountAsync(HttpClient client, string target)
    {
        using var response = await client.GetAsync(target, Cancellation);
        return (await ExpectAsync(response, HttpStatusCode.OK))["items"]!.AsArray().Count;
    }
}
