using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Platform.Gateway.Tls;

/// <summary>
/// What each connection to the TLS port is offered, decided from its ClientHello: the certificate
/// served now (<see cref="ServerCertificate"/>), TLS 1.2 or 1.3, the AEAD suites (<see cref="CipherSuites"/>),
/// no request for a client certificate, no renegotiation. ALPN (h2, http/1.1) is Kestrel's, from the
/// endpoint's protocols.
/// </summary>
/// <remarks>
/// A server name the certificate does not carry is refused before anything is sent: answering it with
/// our certificate would only tell a scanner which names we do serve. No server name at all (a client
/// calling an address, as <c>https://127.0.0.1:8443</c>) gets the certificate. A refused handshake
/// closes the connection; Kestrel logs it at Debug and counts it, and nothing reaches the proxy.
/// </remarks>
internal sealed class TlsHandshake(ServerCertificate certificate, CipherSuitesPolicy? ciphers)
{
    public TlsHandshakeCallbackOptions Options(TimeSpan handshakeTimeout) => new()
    {
        OnConnection = OnConnection,
        HandshakeTimeout = handshakeTimeout,
    };

    private ValueTask<SslServerAuthenticationOptions> OnConnection(TlsHandshakeCallbackContext context)
    {
        var served = certificate.Current;
        var name = context.ClientHelloInfo.ServerName;
        if (!string.IsNullOrEmpty(name) && !served.Serves(name))
            throw new AuthenticationException("The client asked for a server name the certificate does not carry.");

        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = served.Context,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
            AllowRenegotiation = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        if (ciphers is not null)
            options.CipherSuitesPolicy = ciphers;
        return ValueTask.FromResult(options);
    }
}
