using System.Net;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

public sealed class GracefulShutdownTests : GatewayTest
{
    [Fact]
    public async Task A_request_in_flight_when_the_gateway_is_told_to_stop_still_completes()
    {
        await using var slow = TcpUpstream.AnsweringAfter(TimeSpan.FromSeconds(5));
        await using var gateway = await GatewayProcess.StartAsync(
            new Dictionary<string, Uri> { ["slow"] = slow.Address },
            new Dictionary<string, string>
            {
                [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false",
                ["Proxy__DrainTimeout"] = "00:00:30",
                // Longer than the slow answer: this is about draining, not deadlines.
                ["Proxy__DefaultDeadline"] = "00:00:30",
            });

        var inFlight = ClientFor(gateway).GetAsync("/api/v1/health", Cancellation);
        await slow.RequestReceived.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        var stopping = gateway.StopAsync(); // SIGTERM while the replica is still working on the request

        // Draining, the gateway tells orchestrators to send no more.
        using var management = ClientFor(gateway.MetricsAddress!);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var ready = await management.GetAsync("/health/ready", Cancellation);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(10)), "the gateway stayed ready while draining");

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow", await response.Content.ReadAsStringAsync(Cancellation));
        await stopping;
        Assert.True(gateway.HasExited);
        Assert.Equal(0, gateway.ExitCode);
    }
}
