using System.Net;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// A request that could not reach its replica is sent to another only when repeating it is safe:
/// always when the connection was refused, and after a dropped connection only for GET, HEAD and
/// POST with an Idempotency-Key. Each test's gateway has two destinations, a failing one and a live replica, with
/// health checks off so the dead one stays in rotation: round robin sends every other request to it.
/// Hedging is off too, so each of those is rescued by SafeRetry alone and the retries counted are
/// exactly the rescues (hedged copies are SlowReplicaTests' subject).
/// </summary>
public class RetryTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    private const string Dead = "dead";
    private const int Requests = 4;

    [Fact]
    public async Task GETs_sent_to_a_dead_replica_are_answered_by_another()
    {
        await using var gateway = await StartWithOneDeadDestinationAsync();

        var replicas = await CountReplicasAsync(ClientFor(gateway), Requests);

        Assert.Equal(new Dictionary<string, int> { [Live.Id] = Requests }, replicas);
        Assert.Equal(Requests / 2, await RetriesAsync(gateway));
    }

    [Fact]
    public async Task A_POST_with_an_idempotency_key_sent_to_a_dead_replica_is_retried_and_creates_one_reservation()
    {
        await using var gateway = await StartWithOneDeadDestinationAsync();
        var client = ClientFor(gateway);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await PostReservationAsync(client, NewReservation(out var phone), Guid.NewGuid().ToString("N"));
            await ExpectAsync(response, HttpStatusCode.Created);
            Assert.Equal(Live.Id, ReplicaOf(response));
            Assert.False(response.Headers.Contains(PlatformHeaders.IdempotentReplayed), "the dead replica cannot have answered first");
            Assert.Equal(1, await ReservationsOfAsync(Live, phone));
        }
        Assert.Equal(Requests / 2, await RetriesAsync(gateway));
    }

    [Fact]
    public async Task A_POST_without_an_idempotency_key_whose_connection_was_refused_is_retried_it_was_never_sent()
    {
        await using var gateway = await StartWithOneDeadDestinationAsync();
        var client = ClientFor(gateway);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await PostReservationAsync(client, NewReservation(out var phone));
            await ExpectAsync(response, HttpStatusCode.Created);
            Assert.Equal(Live.Id, ReplicaOf(response));
            Assert.Equal(1, await ReservationsOfAsync(Live, phone));
        }
        Assert.Equal(Requests / 2, await RetriesAsync(gateway));
    }

    [Fact]
    public async Task A_POST_without_an_idempotency_key_whose_replica_dropped_it_is_not_retried_and_the_client_hears_502()
    {
        await using var dropping = TcpUpstream.Dropping();
        await using var gateway = await StartWithOneDeadDestinationAsync(dropping.Address);
        var client = ClientFor(gateway);

        var created = 0;
        var refused = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await PostReservationAsync(client, NewReservation(out var phone));
            if (response.StatusCode == HttpStatusCode.Created)
            {
                created++;
                Assert.Equal(1, await ReservationsOfAsync(Live, phone));
                continue;
            }
            await ExpectGatewayProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamError);
            Assert.Equal(0, await ReservationsOfAsync(Live, phone));
            refused++;
        }

        // The dropped requests reached an upstream that might have acted on them: not repeated.
        Assert.Equal(Requests / 2, created);
        Assert.Equal(Requests / 2, refused);
        Assert.InRange(dropping.Accepted, 1, Requests);
        Assert.Equal(0, await RetriesAsync(gateway));
    }

    [Fact]
    public async Task A_GET_whose_replica_dropped_it_is_retried_on_another()
    {
        await using var dropping = TcpUpstream.Dropping();
        await using var gateway = await StartWithOneDeadDestinationAsync(dropping.Address);

        var replicas = await CountReplicasAsync(ClientFor(gateway), Requests);

        Assert.Equal(new Dictionary<string, int> { [Live.Id] = Requests }, replicas);
        Assert.Equal(Requests / 2, await RetriesAsync(gateway));
    }

    private ApiReplica Live => Cluster.Replicas[0];

    /// <param name="dead">The failing destination: by default a port nobody listens on (connections refused).</param>
    private Task<GatewayProcess> StartWithOneDeadDestinationAsync(Uri? dead = null) =>
        GatewayProcess.StartAsync(
            new Dictionary<string, Uri>
            {
                [Dead] = dead ?? new($"http://127.0.0.1:{FreePort.Next()}/"),
                [Live.Id] = Live.BaseAddress,
            },
            new Dictionary<string, string>
            {
                [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false",
                [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Passive__Enabled"] = "false",
                ["Proxy__Hedging__Enabled"] = "false",
            });

    /// <summary>
    /// The retries of requests first sent to the dead destination. The series exists once one was
    /// retried; before that it is 0, but only if the family is exported at all (a renamed metric fails).
    /// </summary>
    private static async Task<double> RetriesAsync(GatewayProcess gateway)
    {
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Contains("# TYPE gateway_upstream_retries_total counter", metrics, StringComparison.Ordinal);
        return PrometheusText.Value(metrics, "gateway_upstream_retries_total", $"cluster=\"{GatewayService.Cluster}\",destination=\"{Dead}\"") ?? 0;
    }
}
