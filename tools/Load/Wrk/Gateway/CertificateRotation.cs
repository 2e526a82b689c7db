using System.Diagnostics;
using System.Globalization;
using Platform.Topology.Files;
using Platform.Topology.Processes;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// Replaces the gateway's certificate on disk every few seconds while wrk runs over HTTPS, as an operator
/// or a renewal job would, and after each replacement waits until a new connection is served the new
/// certificate: the bench's rotation step (BENCH_TLS_ROTATE_EVERY). wrk's own count of failures is the verdict.
/// </summary>
internal sealed class CertificateRotation(LocalCertificateFiles certificates, int tlsPort, TimeSpan every)
{
    private static readonly TimeSpan TakeOverLimit = TimeSpan.FromSeconds(15);

    private readonly List<double> _takeOverMs = [];

    /// <summary>Rotations done and the longest time a new certificate took to be served, as the bench reports them.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"rotations={_takeOverMs.Count} takeover_max_ms={(_takeOverMs.Count > 0 ? _takeOverMs.Max() : 0):0}");

    /// <summary>Rotates until <paramref name="stop"/>; throws when a new certificate is not served in time.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, stop);
                await LocalCertificates.IssueServerCertificateAsync(certificates);
                using var issued = LocalCertificates.Read(certificates.ServerCertificate);
                var waited = Stopwatch.StartNew();
                while (true)
                {
                    using (var served = await TlsProbe.ServedCertificateAsync(tlsPort, certificates.CaCertificate))
                    {
                        if (served.SerialNumber == issued.SerialNumber)
                            break;
                    }
                    if (waited.Elapsed > TakeOverLimit)
                        throw new Topology.PlatformException($"the gateway still served the old certificate {TakeOverLimit.TotalSeconds:0} s after it was replaced");
                    await Task.Delay(TimeSpan.FromMilliseconds(20), stop);
                }
                _takeOverMs.Add(waited.Elapsed.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The measured run is over.
        }
    }
}
