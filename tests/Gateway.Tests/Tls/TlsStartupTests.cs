using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology.Files;

namespace Platform.Gateway.Tests.Tls;

/// <summary>With TLS on, a certificate that cannot be served stops the gateway at start-up with a message naming the key.</summary>
public sealed class TlsStartupTests : GatewayTest
{
    [Fact]
    public async Task A_certificate_that_cannot_be_served_stops_the_gateway_with_a_message_naming_the_key()
    {
        RequiredServer.Locate(LocalCertificates.OpenSsl);
        var scratch = ScratchDirectory.Create("gateway-tls-startup-");
        try
        {
            var files = new LocalCertificateFiles(scratch.Path);
            await LocalCertificates.EnsureAsync(files);
            var otherKey = scratch.Combine("other.key");
            File.Copy(files.ServerKey, otherKey);
            await LocalCertificates.IssueServerCertificateAsync(files);

            foreach (var (settings, named) in new (Dictionary<string, string>, string)[]
            {
                (new() { ["Tls__Enabled"] = "true" }, "Tls:CertificateFile must name"),
                (new() { ["Tls__Enabled"] = "true", ["Tls__CertificateFile"] = scratch.Combine("missing.crt"), ["Tls__KeyFile"] = files.ServerKey }, "Tls:CertificateFile names"),
                (new() { ["Tls__Enabled"] = "true", ["Tls__CertificateFile"] = files.ServerCertificate, ["Tls__KeyFile"] = otherKey }, "Tls:CertificateFile and Tls:KeyFile"),
                (new() { ["Tls__Enabled"] = "true", ["Tls__CertificateFile"] = files.ServerCertificate, ["Tls__KeyFile"] = files.ServerKey, ["Tls__Host"] = "example.com" }, "Tls:Host"),
            })
            {
                var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(new Dictionary<string, Uri>(), settings));
                Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
                Assert.Contains(named, failure.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            scratch.Delete();
        }
    }
}
