using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Tls;

public static class TlsSetup
{
    /// <summary>
    /// With <c>Tls:Enabled</c>: HTTPS (HTTP/1.1 and HTTP/2) on <c>Tls:Host</c>:<c>Tls:Port</c> from the
    /// PEM files, reloaded when they change, beside the plain addresses of <c>ASPNETCORE_URLS</c>; the
    /// certificate's expiry on /metrics; HSTS on HTTPS answers.
    /// </summary>
    public static WebApplicationBuilder AddGatewayTls(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        var options = builder.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions();
        if (!options.Enabled)
            return builder;

        builder.Services.AddSingleton<TlsMetrics>();
        builder.Services.AddSingleton<ServerCertificate>();
        builder.Services.AddHostedService<CertificateWatcher>();
        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = options.HstsMaxAge;
            // The framework leaves out localhost and the loopback addresses so a developer's browser is
            // not pinned to HTTPS for them; browsers ignore HSTS from an address anyway (RFC 6797, 8.1),
            // and an operator calling 127.0.0.1 should see what a client of the real name sees.
            hsts.ExcludedHosts.Clear();
        });

        var urls = PlainListeners.Urls(builder.Configuration);
        builder.Services.TakeOverUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Read here, when the server starts: after ValidateOnStart has checked the files.
            var services = kestrel.ApplicationServices;
            var tls = services.GetRequiredService<IOptions<TlsOptions>>().Value;
            var ciphers = CipherSuites.Policy(out var warning);
            if (warning is not null)
                services.GetRequiredService<ILogger<TlsHandshake>>().LogWarning("{Warning}", warning);
            var handshake = new TlsHandshake(services.GetRequiredService<ServerCertificate>(), ciphers);
            PlainListeners.Bind(kestrel, urls.Where(url => url.StartsWith("http:", StringComparison.OrdinalIgnoreCase)));
            PlainListeners.Listen(kestrel, tls.Host, tls.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(handshake.Options(tls.HandshakeTimeout));
            });
        });
        return builder;
    }

    /// <summary><c>Strict-Transport-Security</c> on answers over HTTPS (the framework's middleware sends it only then).</summary>
    public static WebApplication UseGatewayHsts(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TlsOptions>>().Value;
        if (options.Enabled && options.HstsMaxAge > TimeSpan.Zero)
            app.UseHsts();
        return app;
    }
}
