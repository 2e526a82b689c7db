using System.Net;
using Platform.Load.Traffic;
using Platform.Topology.Files;

namespace Platform.Load.Tests.Traffic;

public sealed class ForwardedClientsTests
{
    [Fact]
    public void The_flood_names_100000_distinct_ipv4_clients_then_starts_over()
    {
        var addresses = Enumerable.Range(0, ForwardedClients.Count).Select(ForwardedClients.At).ToList();

        Assert.Equal(ForwardedClients.Count, addresses.Distinct(StringComparer.Ordinal).Count());
        Assert.All(addresses.Take(500).Concat(addresses.TakeLast(500)), address =>
        {
            Assert.True(IPAddress.TryParse(address, out var parsed), address);
            Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, parsed!.AddressFamily);
            Assert.StartsWith("10.", address, StringComparison.Ordinal);
        });
        Assert.Equal(ForwardedClients.At(0), ForwardedClients.At(ForwardedClients.Count));
    }

    [Fact]
    public void The_gateway_is_told_to_trust_the_address_the_flood_sends_from()
    {
        Assert.Equal("127.0.0.254", BenchClients.ProxyAddress.ToString());
        Assert.Equal(BenchClients.ProxyAddress.ToString(), BenchClients.GatewaySettings["RateLimiting__TrustedProxies__0"]);
    }
}
