using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>What the gateway's end-to-end tests share: clients, reservation bodies that collide with no other test, and assertions on answers and metrics.</summary>
public abstract partial class GatewayTest : IDisposable
{
    private static int _stays;
    private readonly List<HttpClient> _clients = [];

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A client for <paramref name="gateway"/> (or any base address); disposed with the test.</summary>
    protected HttpClient ClientFor(GatewayProcess gateway) => Track(gateway.CreateClient());

    protected HttpClient ClientFor(Uri baseAddress) => Track(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>Which replica answered, from its <c>X-Replica</c> header; null when the gateway answered itself.</summary>
    protected static string? ReplicaOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(PlatformHeaders.Replica, out var values) ? values.Single() : null;

    /// <summary>A reservation request for a stay no other gateway test uses (dates five years out and on), with a fresh phone number.</summary>
    protected static JsonObject NewReservation(out string phone)
    {
        var n = Interlocked.Increment(ref _stays);
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1900 + n / 1000 * 40);
        var request = new ReservationRequest(1 + n % 1000, checkIn, checkIn.AddDays(3));
        phone = request.GuestPhone;
        return request.ToJson();
    }

    protected static async Task<HttpResponseMessage> PostReservationAsync(HttpClient client, JsonNode body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.IdempotencyKey, idempotencyKey);
        return await client.SendAsync(request, Cancellation);
    }

    /// <summary>
    /// How many reservations the guest with <paramref name="phone"/> holds, whoever made them, asked of
    /// a replica directly with an admin's identity.
    /// </summary>
    protected static async Task<int> ReservationsOfAsync(ApiReplica replica, string phone)
    {
        using var client = replica.CreateClient(scopes: TestIdentity.AdminScopes);
        using var response = await client.GetAsync($"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}", Cancellation);
        var body = await ExpectAsync(response, HttpStatusCode.OK);
        return body["items"]!.AsArray().Count;
    }

    protected static Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode status) =>
        HttpAnswers.ExpectAsync(response, status, Cancellation);

    /// <summary>Asserts a problem+json answer of the given status and type, and returns it.</summary>
    protected static Task<JsonObject> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type) =>
        HttpAnswers.ExpectProblemAsync(response, status, type, Cancellation);

    /// <summary>A gateway problem (not a replica's): problem+json of the type, and no <c>X-Replica</c>.</summary>
    protected static async Task<JsonObject> ExpectGatewayProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var problem = await ExpectProblemAsync(response, status, type);
        Assert.Null(ReplicaOf(response));
        return problem;
    }

    /// <summary>1 while the gateway has <paramref name="destination"/> in rotation, 0 while it holds it out.</summary>
    protected static async Task<double?> InRotationAsync(GatewayProcess gateway, string destination) =>
        PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_upstream_healthy",
            $"cluster=\"{GatewayService.Cluster}\",destination=\"{destination}\"");

    /// <summary>Whether the outlier detector has set <paramref name="destination"/> aside.</summary>
    protected static async Task<bool> EjectedAsync(GatewayProcess gateway, string destination) =>
        PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_upstream_ejected",
            $"cluster=\"{GatewayService.Cluster}\",destination=\"{destination}\"") == 1;

    /// <summary>Sends <paramref name="count"/> sequential GETs of /api/v1/health and counts the answers by replica.</summary>
    protected static async Task<Dictionary<string, int>> CountReplicasAsync(HttpClient client, int count)
    {
        var replicas = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync("/api/v1/health", Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
            var replica = ReplicaOf(response) ?? "(none)";
            replicas[replica] = replicas.GetValueOrDefault(replica) + 1;
        }
        return replicas;
    }

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
        GC.SuppressFinalize(this);
    }

    protected HttpClient Track(HttpClient client)
    {
        _clients.Add(client);
        return client;
    }
}

/// <summary>A test against the shared cluster and gateway of <see cref="GatewayFixture"/>.</summary>
[Collection(SharedGateway.Name)]
public abstract class SharedGatewayTest(GatewayFixture fixture) : GatewayTest
{
    protected GatewayFixture Fixture { get; } = fixture;
    protected ApiCluster Cluster => Fixture.Cluster;
    protected GatewayProcess Gateway => Fixture.Gateway;
    protected HttpClient Client() => ClientFor(Gateway);
}
