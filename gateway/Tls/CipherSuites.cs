using System.Net.Security;

namespace Platform.Gateway.Tls;

/// <summary>
/// TLS 1.2 and 1.3 with forward-secret key exchange (ECDHE) and authenticated encryption (AES-GCM,
/// ChaCha20-Poly1305) only, the cipher suites of Mozilla's "intermediate" profile for ECDSA and RSA
/// certificates, and with session resumption.
/// </summary>
/// <remarks>
/// On Linux the two cannot both come from <see cref="CipherSuitesPolicy"/>: with a policy set, .NET
/// builds a new OpenSSL context for every connection (it caches them only without one), and a client
/// can then resume no session. Without one, .NET's own list for TLS 1.2 also has CBC suites
/// (ECDHE-*-AES*-SHA256/SHA384). So the list is given to OpenSSL in its own configuration,
/// <c>Tls/openssl.cnf</c> beside the gateway, which .NET honours and keeps its cache with; OpenSSL reads
/// <c>OPENSSL_CONF</c> only when the process starts, so whoever starts the gateway sets it (the
/// platform's launcher and the Dockerfile do). A gateway started without it still offers only these
/// suites, through the policy, and logs that resumption is off.
/// </remarks>
public static class CipherSuites
{
    /// <summary>The environment variable OpenSSL reads its configuration file from.</summary>
    public const string OpenSslConfigVariable = "OPENSSL_CONF";

    /// <summary>Where the gateway's OpenSSL configuration is, relative to the gateway's directory.</summary>
    public const string OpenSslConfigFile = "Tls/openssl.cnf";

    /// <summary>The same suites as <c>Tls/openssl.cnf</c>, for a process started without it.</summary>
    public static readonly TlsCipherSuite[] Aead =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>
    /// Null (OpenSSL's configuration holds the list, and sessions resume) when this process was started
    /// with <c>OPENSSL_CONF</c> naming the gateway's own file; else a policy of <see cref="Aead"/>.
    /// </summary>
    public static CipherSuitesPolicy? Policy(out string? warning)
    {
        warning = null;
        var configured = Environment.GetEnvironmentVariable(OpenSslConfigVariable);
        var own = Path.GetFullPath(OpenSslConfigFile, AppContext.BaseDirectory);
        if (configured is { Length: > 0 } && string.Equals(Path.GetFullPath(configured), own, StringComparison.Ordinal))
            return null;
        warning = $"{OpenSslConfigVariable} does not name {own}: the cipher suites are restricted per connection instead, and TLS sessions are not resumed. Start the gateway with {OpenSslConfigVariable}={own}.";
        return OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? new CipherSuitesPolicy(Aead) : null;
    }
}
