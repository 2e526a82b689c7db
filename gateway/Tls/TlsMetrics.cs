using Prometheus;

namespace Platform.Gateway.Tls;

/// <summary>What the served certificate is worth to an operator: when it expires (TlsCertificateExpiresSoon reads it) and whether a rotation was refused.</summary>
public sealed class TlsMetrics
{
    private static readonly Gauge Expiry = Metrics.CreateGauge(
        "gateway_tls_certificate_expiry_timestamp_seconds",
        "notAfter of the certificate the TLS port serves now, as Unix seconds.");

    private static readonly Counter ReloadFailures = Metrics.CreateCounter(
        "gateway_tls_certificate_reload_failures_total",
        "Times the certificate files changed but could not be served (unreadable, half-written, key of another certificate); the previous certificate stayed.");

    public TlsMetrics() => ReloadFailures.Publish();

    public void Served(CertificateFiles certificate) => Expiry.Set(certificate.ExpiresAtUnixSeconds);

    public void ReloadFailed() => ReloadFailures.Inc();
}
