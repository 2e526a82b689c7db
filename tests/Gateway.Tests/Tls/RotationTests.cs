using System.Diagnostics;
using System.Net;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology.Files;

namespace Platform.Gateway.Tests.Tls;

/// <summary>A certificate replaced on disk is served to the next connection, with no restart and no failed request.</summary>
public sealed class RotationTests(GatewayFixture fixture) : TlsGatewayTest(fixture)
{
    [Fact]
    public async Task A_certificate_replaced_under_load_is_served_to_the_next_connection_and_no_request_fails()
    {
        var before = await ServedSerialAsync();
        var pid = Gateway.ProcessId;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var failures = new List<string>();
        var answered = 0;
        // Both kinds of client: kept-alive connections (HTTP/1.1 and HTTP/2) that outlive the rotation,
        // and a new connection, so a new handshake, for every request.
        var clients = new[]
        {
            HttpsClient(HttpVersion.Version11), HttpsClient(HttpVersion.Version20),
            HttpsClient(HttpVersion.Version11, newConnections: true), HttpsClient(HttpVersion.Version11, newConnections: true),
        };
        var load = clients.Select(client => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var answer = await client.GetAsync("/api/v1/health", stop.Token);
                    if (answer.StatusCode == HttpStatusCode.OK)
                        Interlocked.Increment(ref answered);
                    else
                        lock (failures) failures.Add($"{(int)answer.StatusCode}");
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException error)
                {
                    lock (failures) failures.Add(error.Message);
                }
            }
        }, Cancellation)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        await LocalCertificates.IssueServerCertificateAsync(Fixture.Certificates);
        using var issued = LocalCertificates.Read(Fixture.Certificates.ServerCertificate);
        Assert.NotEqual(before, issued.SerialNumber);

        // The watcher sees the files within moments; the interval check (10 s) is the fallback.
        var waited = Stopwatch.StartNew();
        string served;
        while ((served = await ServedSerialAsync()) != issued.SerialNumber && waited.Elapsed < TimeSpan.FromSeconds(12))
            await Task.Delay(50, Cancellation);
        var tookOver = waited.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(issued.SerialNumber, served);
        // Milliseconds on a calm machine; under the 10 s interval check in any case, so it was the watcher.
        Assert.True(tookOver < TimeSpan.FromSeconds(5), $"the new certificate was served after {tookOver.TotalMilliseconds:0} ms; the file watcher should have seen it at once");
        Assert.Equal(pid, Gateway.ProcessId);
        Assert.False(Gateway.HasExited);
        Assert.True(failures.Count == 0, $"{failures.Count} of {answered + failures.Count} requests failed: {string.Join("; ", failures.Distinct().Take(5))}");
        Assert.True(answered > 50, $"only {answered} requests answered during the rotation");
        var metrics = await Gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(new DateTimeOffset(issued.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            PrometheusText.Value(metrics, "gateway_tls_certificate_expiry_timestamp_seconds", ""));
    }
}
