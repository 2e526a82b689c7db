using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Topology.Processes;

/// <summary>
/// A handshake with a local TLS port as a client trusting only the local CA does it (what
/// <c>curl --cacert</c> does): for <c>status</c>, and for the tests and the bench, which trust the same way.
/// </summary>
public static class TlsProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>"https :8443, certificate until 2027-03-07", or what went wrong.</summary>
    public static async Task<string?> DescribeAsync(int port, string caCertificateFile)
    {
        var label = string.Create(CultureInfo.InvariantCulture, $"https :{port}");
        if (!File.Exists(caCertificateFile))
            return $"{label}: no local CA";
        try
        {
            using var served = await ServedCertificateAsync(port, caCertificateFile);
            return string.Create(CultureInfo.InvariantCulture, $"{label}, certificate until {served.NotAfter.ToUniversalTime():yyyy-MM-dd}");
        }
        catch (Exception error) when (error is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            return $"{label}: {error.Message}";
        }
    }

    /// <summary>The certificate 127.0.0.1:<paramref name="port"/> serves, checked against the CA and the address; the caller disposes it.</summary>
    public static async Task<X509Certificate2> ServedCertificateAsync(int port, string caCertificateFile, string? serverName = null)
    {
        using var ca = Files.LocalCertificates.Read(caCertificateFile);
        using var cancellation = new CancellationTokenSource(Timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellation.Token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? "127.0.0.1",
            RemoteCertificateValidationCallback = TrustOnly(ca),
        }, cancellation.Token);
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    /// <summary>Accepts a server certificate only when it chains to <paramref name="ca"/> and carries the name asked for.</summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) => (_, certificate, _, errors) =>
    {
        // The name was checked by the framework; the chain is checked here against this CA alone.
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return false;
        using var served = new X509Certificate2(certificate);
        return Files.LocalCertificates.ChainsTo(served, ca);
    };
}
