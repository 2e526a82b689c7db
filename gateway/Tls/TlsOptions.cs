using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Tls;

/// <summary>
/// The <c>Tls</c> section: HTTPS on a port of its own, beside the plain-HTTP addresses of
/// <c>ASPNETCORE_URLS</c> (which may be empty, for HTTPS only). Checked at start-up by
/// <see cref="TlsOptionsValidator"/>: with TLS on, a certificate or key that cannot be read stops the
/// process with a message naming the key.
/// </summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>Off by default: the gateway then serves only the plain-HTTP addresses, as before.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// PEM file of the server certificate, optionally followed by its intermediates (a full chain).
    /// Reloaded when it changes (<see cref="ServerCertificate"/>). A relative path is taken from the content root.
    /// </summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>PEM file of the certificate's private key (PKCS#8 or the traditional EC/RSA form), unencrypted.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Host to bind: <c>+</c> for every interface (containers), <c>127.0.0.1</c> locally.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Tls:Host must not be empty.")]
    public string Host { get; set; } = "+";

    [Range(1, 65535, ErrorMessage = "Tls:Port must be between {1} and {2}.")]
    public int Port { get; set; } = 8443;

    /// <summary>
    /// Longest a client may take to finish its handshake. A connection that sends nothing, or half a
    /// hello, holds a socket only this long; a real client needs a few round trips, far below it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Tls:HandshakeTimeout must be between {1} and {2}.")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often the certificate files are read again whatever the file watcher says: a watcher misses
    /// changes on some filesystems (network mounts, a secret swapped through a symbolic link).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Tls:ReloadInterval must be between {1} and {2}.")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>Strict-Transport-Security</c> max-age on every answer over HTTPS (with TLS on here; behind a
    /// TLS-terminating balancer, that balancer sends it); 0 sends none.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "730.00:00:00", ErrorMessage = "Tls:HstsMaxAge must be between {1} and {2}.")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}
