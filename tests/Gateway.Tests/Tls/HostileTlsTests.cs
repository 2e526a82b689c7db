using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology.Files;
using Platform.Topology.Processes;

namespace Platform.Gateway.Tests.Tls;

/// <summary>
/// Input no honest TLS client sends, each on its own connection to the TLS port while a calm client
/// keeps calling: each is refused (the connection closed, no HTTP answer) and none becomes a request,
/// and the calm client sees no failure.
/// </summary>
public sealed class HostileTlsTests(GatewayFixture fixture) : TlsGatewayTest(fixture)
{
    /// <summary>
    /// Refusals of bad input come at once (milliseconds on a calm machine); this bounds "at once" with
    /// room for a loaded one, and below the handshake timeout, so a refusal is never mistaken for it.
    /// </summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    /// <summary>The gateway's Tls:HandshakeTimeout (appsettings.json), after which a stalled handshake is closed.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Every_hostile_input_is_refused_and_a_calm_client_sees_no_failure()
    {
        var requestsBefore = await RequestsCountedAsync();
        using var stop = new CancellationTokenSource();
        var calm = new[] { HttpsClient(HttpVersion.Version11), HttpsClient(HttpVersion.Version20) }
            .Select(client => CalmAsync(client, stop.Token)).ToList();

        // Twenty stalled handshakes, held from the start: half send nothing, half the first bytes of a hello.
        var stalled = Enumerable.Range(0, 20).Select(i => StalledAsync(sendHalfAHello: i % 2 == 0)).ToList();

        var plainHttp = await ClosedAfterAsync(Encoding.ASCII.GetBytes("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        var garbage = await ClosedAfterAsync(Garbage(1024));
        var unknownName = await RefusedHandshakeAsync("elsewhere.example");
        var (clientCertificateSent, clientCertificateAnswer) = await WithUnsolicitedClientCertificateAsync();

        var stalledFor = await Task.WhenAll(stalled);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Cancellation);
        await stop.CancelAsync();
        var calmResults = await Task.WhenAll(calm);

        Assert.True(plainHttp.Closed < AtOnce && !plainHttp.Answer.StartsWith("HTTP/", StringComparison.Ordinal),
            $"plain HTTP to the TLS port: closed after {plainHttp.Closed.TotalMilliseconds:0} ms, answered '{plainHttp.Answer}'");
        Assert.True(garbage.Closed < AtOnce, $"garbage: closed after {garbage.Closed.TotalMilliseconds:0} ms");
        Assert.True(unknownName < AtOnce, $"an unknown server name: refused after {unknownName.TotalMilliseconds:0} ms");
        Assert.False(clientCertificateSent, "the gateway asked for a client certificate");
        Assert.StartsWith("HTTP/1.1 200", clientCertificateAnswer, StringComparison.Ordinal);
        Assert.All(stalledFor, held => Assert.True(held >= HandshakeTimeout - TimeSpan.FromMilliseconds(500) && held < HandshakeTimeout + TimeSpan.FromSeconds(2),
            $"a stalled handshake was closed after {held.TotalMilliseconds:0} ms, not about {HandshakeTimeout.TotalMilliseconds:0} ms"));

        var calmAnswered = calmResults.Sum(result => result.Answered);
        var calmFailures = calmResults.SelectMany(result => result.Failures).ToList();
        Assert.True(calmFailures.Count == 0, $"the calm client saw {calmFailures.Count} failures: {string.Join("; ", calmFailures.Distinct().Take(5))}");
        Assert.True(calmAnswered > 20, $"the calm client was answered only {calmAnswered} times");
        // Nothing hostile became a request: the gateway timed the calm client's and the one with a client
        // certificate, no more (each is counted just after its answer is sent, so the last may lag a moment).
        var expected = requestsBefore + calmAnswered + 1;
        var counted = await RequestsCountedAsync();
        for (var i = 0; i < 20 && counted < expected; i++)
        {
            await Task.Delay(50, Cancellation);
            counted = await RequestsCountedAsync();
        }
        Assert.Equal(expected, counted);
    }

    // Calls until told to stop, never cancelling a request under way, so every request it sent is counted.
    private static async Task<(int Answered, List<string> Failures)> CalmAsync(HttpClient client, CancellationToken stop)
    {
        var answered = 0;
        var failures = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var answer = await client.GetAsync("/api/v1/health", Cancellation);
                if (answer.StatusCode == HttpStatusCode.OK)
                    answered++;
                else
                    failures.Add($"{(int)answer.StatusCode}");
            }
            catch (HttpRequestException error)
            {
                failures.Add(error.Message);
            }
            await Task.Delay(20, Cancellation);
        }
        return (answered, failures);
    }

    /// <summary>
    /// Random bytes that cannot begin a record: the first is 0x00, neither a TLS record type
    /// (0x14-0x18) nor an SSLv2 header (high bit set). Wholly random bytes begin one now and then, and
    /// then the gateway rightly waits for the rest of that record, as for the stalled half hello above,
    /// until the handshake timeout (a CI run saw exactly that: closed after 3003 ms).
    /// </summary>
    private static byte[] Garbage(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        bytes[0] = 0x00;
        return bytes;
    }

    // Sends the bytes and reads until the gateway closes: how long it took, and what came back (as text).
    private async Task<(TimeSpan Closed, string Answer)> ClosedAfterAsync(byte[] bytes)
    {
        using var tcp = await ConnectRawAsync();
        var stream = tcp.GetStream();
        var watch = Stopwatch.StartNew();
        await stream.WriteAsync(bytes, Cancellation);
        var answer = await ReadUntilClosedAsync(stream, HandshakeTimeout * 2);
        return (watch.Elapsed, Encoding.ASCII.GetString(answer));
    }

    private async Task<TimeSpan> RefusedHandshakeAsync(string serverName)
    {
        using var ca = LocalCertificates.Read(CaFile);
        using var tcp = await ConnectRawAsync();
        await using var tls = new SslStream(tcp.GetStream());
        var watch = Stopwatch.StartNew();
        // Refused by the gateway before it sends a certificate, so before this client could judge one.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = TlsProbe.TrustOnly(ca),
        }, Cancellation));
        Assert.True(refused is AuthenticationException or IOException, $"unexpected {refused}");
        return watch.Elapsed;
    }

    // A client that holds a certificate and would send it if asked: the gateway never asks, so it is
    // never sent, and the request is served as any other (identity is the API key's, not a certificate's).
    private async Task<(bool Sent, string Answer)> WithUnsolicitedClientCertificateAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var mine = new CertificateRequest("CN=someone", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        using var ca = LocalCertificates.Read(CaFile);
        using var tcp = await ConnectRawAsync();
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [mine],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => mine,
            RemoteCertificateValidationCallback = TlsProbe.TrustOnly(ca),
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        }, Cancellation);
        var sent = tls.IsMutuallyAuthenticated || tls.LocalCertificate is not null;
        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), Cancellation);
        var answer = await ReadUntilClosedAsync(tls, TimeSpan.FromSeconds(10));
        return (sent, Encoding.ASCII.GetString(answer));
    }

    // Holds a connection without finishing the handshake; how long until the gateway closes it.
    private async Task<TimeSpan> StalledAsync(bool sendHalfAHello)
    {
        using var tcp = await ConnectRawAsync();
        var stream = tcp.GetStream();
        var watch = Stopwatch.StartNew();
        if (sendHalfAHello)
            await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00 }, Cancellation);
        await ReadUntilClosedAsync(stream, HandshakeTimeout * 3);
        return watch.Elapsed;
    }

    private static async Task<byte[]> ReadUntilClosedAsync(Stream stream, TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(limit);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // Reset rather than closed: refused all the same.
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"the gateway kept the connection open for {limit.TotalSeconds:0} s");
        }
        return received.ToArray();
    }

    private async Task<double> RequestsCountedAsync() =>
        PrometheusText.Samples(await Gateway.ReadMetricsAsync(Cancellation), "gateway_request_duration_seconds_count").Sum(sample => sample.Value);
}
