using System.Net;
using System.Net.Sockets;
using Platform.Testing;
using Xunit.Sdk;

namespace Platform.Api.Tests.TestInfrastructure;

public class RequiredServerTests
{
    private const string Missing = "platform-no-such-server";

    [Fact]
    public void A_missing_server_fails_the_test_under_CI()
    {
        var failure = Assert.Throws<FailException>(() => RequiredServer.Locate(Missing, failWhenMissing: true));

        Assert.StartsWith($"{Missing} not found: run ./platform test, which installs it", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixture_starts_only_when_all_its_servers_are_present()
    {
        Assert.True(RequiredServer.AllPresent(["sh"]));
        Assert.False(RequiredServer.AllPresent(["sh", Missing]));

        // (A missing one is reported by Locate, as above.) All present: the fixture failed for another reason, which the exception points to.
        Assert.Equal("The cluster did not start; see the fixture's error.", RequiredServer.Missing("cluster", ["sh"]).Message);
    }

    [Fact]
    public void Free_ports_are_distinct_and_bindable_on_loopback()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, ports[0]);
        listener.Start();
    }
}
