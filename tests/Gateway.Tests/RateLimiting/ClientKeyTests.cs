using System.Net;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

public sealed class ClientKeyTests
{
    [Fact]
    public void An_IPv4_client_is_the_same_client_over_a_dual_stack_socket()
    {
        var v4 = ClientKey.FromAddress(IPAddress.Parse("203.0.113.7"));

        Assert.Equal(v4, ClientKey.FromAddress(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.NotEqual(v4, ClientKey.FromAddress(IPAddress.Parse("203.0.113.8")));
    }

    [Fact]
    public void An_IPv6_client_is_its_64_bit_prefix()
    {
        var one = ClientKey.FromAddress(IPAddress.Parse("2001:db8:1:2::1"));

        Assert.Equal(one, ClientKey.FromAddress(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        Assert.NotEqual(one, ClientKey.FromAddress(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void An_API_client_never_collides_with_an_address()
    {
        var apiClient = ClientKey.ForApiClient("acme");

        Assert.NotEqual(apiClient, ClientKey.FromAddress(IPAddress.Parse("0.0.0.0")));
        Assert.NotEqual(apiClient, ClientKey.FromAddress(IPAddress.Parse("::")));
        Assert.NotEqual(apiClient, ClientKey.FromAddress(IPAddress.Parse("ff00::")));
        Assert.NotEqual(apiClient, ClientKey.ForApiClient("globex"));
        Assert.True(apiClient.IsApiClient);
    }

    [Fact]
    public void An_API_client_keeps_its_key_whatever_else_is_configured()
    {
        // From the name alone: the same bucket after a reload adds or removes other clients, and on every gateway.
        Assert.Equal(ClientKey.ForApiClient("acme"), ClientKey.ForApiClient("acme"));
        Assert.Equal("ff00000000000000", ClientKey.ForApiClient("acme").ToString()[..16]);
    }

    [Fact]
    public void Its_name_in_Redis_is_32_hex_digits()
    {
        Assert.Equal("00000000000000000000ffffcb007107", ClientKey.FromAddress(IPAddress.Parse("203.0.113.7")).ToString());
    }
}
