using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology.Files;
using Platform.Topology.Processes;

namespace Platform.Gateway.Tests.Tls;

/// <summary>The shared gateway's TLS port, reached as a client trusting only the gateway's local CA (what <c>curl --cacert</c> does).</summary>
public abstract class TlsGatewayTest(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    protected Uri Https => Gateway.TlsAddress ?? throw new InvalidOperationException("The shared gateway runs without TLS.");

    protected int TlsPort => Https.Port;

    protected string CaFile => Fixture.Certificates.CaCertificate;

    /// <summary>
    /// A client of the TLS port speaking exactly <paramref name="version"/> (HTTP/1.1 or HTTP/2, by ALPN),
    /// each request on a new connection when <paramref name="newConnections"/>; disposed with the test.
    /// </summary>
    protected HttpClient HttpsClient(Version version, bool newConnections = false)
    {
        var ca = LocalCertificates.Read(CaFile);
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = TlsProbe.TrustOnly(ca) },
            PooledConnectionLifetime = newConnections ? TimeSpan.Zero : Timeout.InfiniteTimeSpan,
        };
        var client = new HttpClient(handler)
        {
            BaseAddress = Https,
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        return Track(client);
    }

    /// <summary>A raw TCP connection to the TLS port, for input no TLS client would send.</summary>
    protected async Task<TcpClient> ConnectRawAsync()
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, TlsPort, Cancellation);
        return tcp;
    }

    /// <summary>Runs a client tool (curl, openssl, sslscan) to its end, its standard input closed; skips or fails the test when it is not installed.</summary>
    protected static async Task<(int ExitCode, string Output, string Errors)> RunToolAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(RequiredServer.Locate(tool), arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var errors = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The serial number of the certificate a new connection is served.</summary>
    protected async Task<string> ServedSerialAsync()
    {
        using var served = await TlsProbe.ServedCertificateAsync(TlsPort, CaFile);
        return served.SerialNumber;
    }
}
