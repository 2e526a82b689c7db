using System.Xml.Linq;
using Platform.Gateway.Tests.Proxy;
using Platform.Topology.Processes;

namespace Platform.Gateway.Tests.Tls;

/// <summary>
/// The check an operator can run against the TLS port (docs/operating.md): sslscan (Debian package)
/// finds TLS 1.2 and 1.3 only, authenticated encryption with forward secrecy only, no weakness it
/// knows, and a certificate that verifies against the CA for the names it is served under.
/// </summary>
public sealed class SslScanTests(GatewayFixture fixture) : TlsGatewayTest(fixture)
{
    [Fact]
    public async Task Sslscan_finds_TLS_1_2_and_1_3_AEAD_suites_only_and_no_weakness()
    {
        var (_, output, _) = await RunToolAsync("sslscan", "--no-colour", "--xml=-", $"127.0.0.1:{TlsPort}");
        var xml = XDocument.Parse(output[output.IndexOf("<?xml", StringComparison.Ordinal)..]);
        var test = xml.Descendants("ssltest").Single();

        var enabled = test.Elements("protocol").Where(p => (string?)p.Attribute("enabled") == "1")
            .Select(p => $"{(string?)p.Attribute("type")}{(string?)p.Attribute("version")}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["tls1.2", "tls1.3"], enabled);

        var ciphers = test.Elements("cipher").Select(c => (Version: (string)c.Attribute("sslversion")!, Name: (string)c.Attribute("cipher")!, Bits: (int)c.Attribute("bits")!)).ToList();
        Assert.NotEmpty(ciphers);
        Assert.All(ciphers, c => Assert.True(
            c.Bits >= 128 && (c.Version == "TLSv1.3" ? c.Name.StartsWith("TLS_", StringComparison.Ordinal)
                : c.Name.StartsWith("ECDHE-", StringComparison.Ordinal) && (c.Name.Contains("-GCM-", StringComparison.Ordinal) || c.Name.Contains("CHACHA20-POLY1305", StringComparison.Ordinal))),
            $"{c.Version} {c.Name} ({c.Bits} bits) is accepted"));
        foreach (var weak in new[] { "CBC", "RC4", "DES", "NULL", "EXP", "MD5", "anon", "-SHA " })
            Assert.DoesNotContain(ciphers, c => (c.Name + " ").Contains(weak, StringComparison.OrdinalIgnoreCase));

        Assert.All(test.Elements("heartbleed"), h => Assert.Equal("0", (string?)h.Attribute("vulnerable")));
        Assert.All(test.Elements("renegotiation"), r => Assert.True((string?)r.Attribute("supported") == "0" || (string?)r.Attribute("secure") == "1", r.ToString()));
        Assert.All(test.Elements("compression"), c => Assert.Equal("0", (string?)c.Attribute("supported")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("localhost")]
    public async Task The_certificate_verifies_against_the_CA_for_each_name_it_is_served_under(string? serverName)
    {
        // TlsProbe verifies the chain against the CA alone and the name (127.0.0.1 without SNI, else the SNI).
        using var served = await TlsProbe.ServedCertificateAsync(TlsPort, CaFile, serverName);
        Assert.True(served.NotAfter > DateTime.UtcNow.AddDays(30));
    }
}
