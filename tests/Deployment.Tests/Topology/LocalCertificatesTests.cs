using System.Security.Cryptography.X509Certificates;
using Platform.Testing;
using Platform.Topology.Files;

namespace Platform.Deployment.Tests.Topology;

/// <summary>The local CA and the gateway's certificate as <c>up</c> makes them: the names clients call, keys private, renewed before expiry.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalCertificatesTests
{
    [Fact]
    public async Task Up_makes_a_CA_and_a_certificate_for_localhost_and_127_0_0_1_and_renews_it_before_it_expires()
    {
        RequiredServer.Locate(LocalCertificates.OpenSsl);
        var scratch = ScratchDirectory.Create("local-certificates-");
        try
        {
            var files = new LocalCertificateFiles(scratch.Combine("tls"));
            Assert.True(await LocalCertificates.EnsureAsync(files));

            using var ca = LocalCertificates.Read(files.CaCertificate);
            using var server = LocalCertificates.Read(files.ServerCertificate);
            Assert.True(LocalCertificates.ChainsTo(server, ca));
            var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Equal(["localhost"], names.EnumerateDnsNames());
            Assert.Equal(["127.0.0.1"], names.EnumerateIPAddresses().Select(address => address.ToString()));
            Assert.True(server.NotAfter > DateTime.UtcNow.AddDays(60));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(files.Directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.ServerKey));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.CaKey));

            // Again, nothing to do; a certificate with less than the renewal margin left is replaced, by the same CA.
            Assert.False(await LocalCertificates.EnsureAsync(files));
            await LocalCertificates.IssueServerCertificateAsync(files, days: 10);
            Assert.True(await LocalCertificates.EnsureAsync(files));
            using var renewed = LocalCertificates.Read(files.ServerCertificate);
            Assert.NotEqual(server.SerialNumber, renewed.SerialNumber);
            Assert.True(renewed.NotAfter > DateTime.UtcNow.Add(LocalCertificates.RenewBefore));
            Assert.True(LocalCertificates.ChainsTo(renewed, ca));
        }
        finally
        {
            scratch.Delete();
        }
    }
}
