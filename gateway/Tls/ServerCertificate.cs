using Microsoft.Extensions.Options;

namespace Platform.Gateway.Tls;

/// <summary>
/// The certificate every new handshake is given, replaced in place when its files change.
/// </summary>
/// <remarks>
/// Written here rather than with Kestrel's own reload of a certificate named in its configuration
/// (<c>Kestrel:Endpoints:…:Certificate</c>, watched since .NET 7): that reload goes through the
/// configuration loader, which stops the endpoint and binds it again (<c>KestrelServerImpl.RebindAsync</c>):
/// the listening socket is closed for a moment, refusing new connections, and open connections are
/// closed within 5 s. Here only the reference changes (<see cref="Volatile"/>): a handshake already
/// under way finishes with the certificate it started with, the next one gets the new one, and no
/// connection is touched. A pair of files that cannot be served (half-written, or the key of the other
/// certificate while one file is replaced before the other) is not taken: the one served stays until
/// both files agree again, and the failure is counted and logged.
/// </remarks>
public sealed class ServerCertificate
{
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly TlsMetrics _metrics;
    private readonly ILogger<ServerCertificate> _logger;
    private readonly Lock _reloading = new();
    private CertificateFiles _current;
    private byte[]? _lastRefused;

    public ServerCertificate(IOptions<TlsOptions> options, IHostEnvironment environment, TlsMetrics metrics, ILogger<ServerCertificate> logger)
    {
        (_certificateFile, _keyFile) = TlsOptionsValidator.Paths(options.Value, environment);
        _metrics = metrics;
        _logger = logger;
        // TlsOptionsValidator has read these files already at start-up; a failure here is a race with a writer.
        _current = CertificateFiles.Load(_certificateFile, _keyFile);
        _metrics.Served(_current);
    }

    /// <summary>The certificate to serve now.</summary>
    public CertificateFiles Current => Volatile.Read(ref _current);

    /// <summary>The directories the files live in, for the watcher.</summary>
    public IEnumerable<string> Directories =>
        new[] { _certificateFile, _keyFile }.Select(file => Path.GetDirectoryName(file)!).Distinct(StringComparer.Ordinal);

    /// <summary>Reads the files and serves them if they changed and can be served; true when a new certificate is served.</summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            byte[] digest;
            try
            {
                digest = CertificateFiles.DigestOf(_certificateFile, _keyFile);
                if (digest.AsSpan().SequenceEqual(_current.Digest) || digest.AsSpan().SequenceEqual(_lastRefused))
                    return false;
                var loaded = CertificateFiles.Load(_certificateFile, _keyFile, digest);
                Volatile.Write(ref _current, loaded);
                _lastRefused = null;
            }
            catch (CertificateFileException error)
            {
                // Once per content, so a pair left mismatched does not log at every check.
                _lastRefused = error.InnerException is IOException or UnauthorizedAccessException ? null : TryDigest();
                _metrics.ReloadFailed();
                _logger.LogWarning("The TLS certificate files changed but cannot be served; the previous certificate stays: {Reason}", error.Message);
                return false;
            }

            _metrics.Served(_current);
            _logger.LogInformation("Serving TLS certificate {Thumbprint} ({Subject}), valid until {NotAfter:O}.",
                _current.Leaf.Thumbprint, _current.Leaf.Subject, _current.Leaf.NotAfter.ToUniversalTime());
            return true;
        }
    }

    private byte[]? TryDigest()
    {
        try
        {
            return CertificateFiles.DigestOf(_certificateFile, _keyFile);
        }
        catch (CertificateFileException)
        {
            return null;
        }
    }
}
