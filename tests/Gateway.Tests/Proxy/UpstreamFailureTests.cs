using System.Globalization;
using System.Net;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>No healthy replica, or one that does not answer in time: a prompt 503 or 504 problem, never a hang.</summary>
public sealed class UpstreamFailureTests : GatewayTest
{
    [Fact]
    public async Task With_every_replica_down_the_answer_is_503_upstream_unavailable_with_Retry_After()
    {
        // Two ports nobody listens on: connections are refused, so active health checks fail at once.
        await using var gateway = await GatewayProcess.StartAsync(new Dictionary<string, Uri>
        {
            ["down-1"] = new($"http://127.0.0.1:{FreePort.Next()}/"),
            ["down-2"] = new($"http://127.0.0.1:{FreePort.Next()}/"),
        });
        using var management = ClientFor(gateway.MetricsAddress!);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var ready = await management.GetAsync("/health/ready", Cancellation);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(20)), $"the gateway never reported itself unready:{Environment.NewLine}{gateway.Output}");

        using var read = await ClientFor(gateway).GetAsync("/api/v1/health", Cancellation);
        await ExpectGatewayProblemAsync(read, HttpStatusCode.ServiceUnavailable, ProblemTypes.UpstreamUnavailable);
        Assert.True(int.Parse(read.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) >= 1);

        using var write = await PostReservationAsync(ClientFor(gateway), NewReservation(out _));
        await ExpectGatewayProblemAsync(write, HttpStatusCode.ServiceUnavailable, ProblemTypes.UpstreamUnavailable);
        Assert.True(write.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_replica_that_does_not_answer_within_the_activity_timeout_is_504_upstream_timeout()
    {
        await using var stalling = TcpUpstream.Stalling();
        await using var gateway = await GatewayProcess.StartAsync(
            new Dictionary<string, Uri> { ["stalling"] = stalling.Address },
            new Dictionary<string, string>
            {
                [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HttpRequest__ActivityTimeout"] = "00:00:01",
                // Its probes would stall too and take it out of rotation: this test wants it chosen.
                [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false",
            });

        using var response = await ClientFor(gateway).GetAsync("/api/v1/health", Cancellation);

        await ExpectGatewayProblemAsync(response, HttpStatusCode.GatewayTimeout, ProblemTypes.UpstreamTimeout);
        Assert.True(stalling.RequestReceived.IsCompleted);
    }
}
