namespace Platform.Gateway.Tests.Proxy;

public class RoundRobinTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    [Fact]
    public async Task Sequential_requests_are_split_exactly_evenly_over_the_replicas()
    {
        var replicas = await CountReplicasAsync(Client(), 300);

        Assert.Equal(
            new Dictionary<string, int> { ["api-1"] = 100, ["api-2"] = 100, ["api-3"] = 100 },
            replicas.OrderBy(entry => entry.Key).ToDictionary());
    }
}
