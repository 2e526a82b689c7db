using Platform.Testing;

namespace Platform.Gateway.Tests.Proxy;

public class RoundRobinTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    [Fact]
    public async Task Sequential_requests_are_split_exactly_evenly_over_the_replicas()
    {
        // The load-balancing policy alone: a hedge answers a slow request from another replica by
        // design, and one slow answer on a busy machine would move a count (SlowReplicaTests cover
        // hedging); the outlier detector takes a replica whose answers ran slow on a starved machine out
        // of rotation for a while, as it should (129 / 41 / 130 once in CI; OutlierDetectorTests and
        // SlowReplicaTests cover it).
        await using var gateway = await GatewayProcess.StartAsync(Cluster.Replicas,
            new Dictionary<string, string> { ["Proxy__Hedging__Enabled"] = "false", ["Proxy__Outliers__Enabled"] = "false" });

        var replicas = await CountReplicasAsync(ClientFor(gateway), 300);

        Assert.Equal(
            new Dictionary<string, int> { ["api-1"] = 100, ["api-2"] = 100, ["api-3"] = 100 },
            replicas.OrderBy(entry => entry.Key).ToDictionary());
    }
}
