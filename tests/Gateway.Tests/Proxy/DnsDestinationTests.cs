using System.Net;
using Platform.Testing;

namespace Platform.Gateway.Tests.Proxy;

public class DnsDestinationTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    [Fact]
    public async Task With_DNS_resolution_on_a_host_name_destination_becomes_one_destination_per_address()
    {
        var replica = Cluster.Replicas[0];
        await using var gateway = await GatewayProcess.StartAsync(
            new Dictionary<string, Uri> { [replica.Id] = new($"http://localhost:{replica.BaseAddress.Port}/") },
            new Dictionary<string, string> { ["Proxy__ResolveDnsDestinations"] = "true" });

        using var response = await ClientFor(gateway).GetAsync("/api/v1/health", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(replica.Id, ReplicaOf(response));
        // YARP names each resolved destination "<id>[<address>]"; localhost may resolve to ::1 as well.
        Assert.True(await Eventually.HoldsAsync(async () => await InRotationAsync(gateway, $"{replica.Id}[127.0.0.1]") == 1, TimeSpan.FromSeconds(10)),
            await gateway.ReadMetricsAsync(Cancellation));
    }
}
