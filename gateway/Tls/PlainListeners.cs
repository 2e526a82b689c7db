using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Platform.Gateway.Tls;

/// <summary>
/// The plain-HTTP addresses of <c>ASPNETCORE_URLS</c> (the <c>urls</c> setting), bound in code when TLS is on.
/// </summary>
/// <remarks>
/// Kestrel binds either the <c>urls</c> setting or the endpoints configured in code, never both (with
/// both it logs that it overrides the former). The TLS port is configured in code (its handshake is a
/// callback), so the plain addresses are bound here too: the same setting keeps meaning the same
/// thing whether TLS is on or off, and an empty one means HTTPS only.
/// </remarks>
internal static class PlainListeners
{
    /// <summary>
    /// Leaves the <c>urls</c> setting to <see cref="Bind"/>: the host hands it to the server before the
    /// application is built (clearing the setting in configuration is too late for it), and Kestrel,
    /// given both, warns that it ignores them at every start.
    /// </summary>
    public static IServiceCollection TakeOverUrls(this IServiceCollection services) =>
        services.AddTransient<IStartupFilter, UrlsTakenOver>();

    public static IReadOnlyList<string> Urls(IConfiguration configuration) =>
        (configuration[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Binds each http:// address as Kestrel itself would: <c>+</c>, <c>*</c> or a host name on every address, <c>localhost</c> on loopback.</summary>
    public static void Bind(KestrelServerOptions kestrel, IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            var address = BindingAddress.Parse(url);
            if (address.IsUnixPipe)
                kestrel.ListenUnixSocket(address.UnixPipePath);
            else if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
                kestrel.ListenLocalhost(address.Port);
            else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
                kestrel.Listen(ip, address.Port);
            else
                kestrel.ListenAnyIP(address.Port);
        }
    }

    /// <summary>Binds <paramref name="host"/> (<c>+</c>, <c>*</c>, <c>localhost</c> or an address) and <paramref name="port"/>.</summary>
    public static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (host is "+" or "*")
            kestrel.ListenAnyIP(port, configure);
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            kestrel.ListenLocalhost(port, configure);
        else
            kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, configure);
    }
}

/// <summary>Runs while the application is built: after the host has given the server its <c>urls</c>, before the server binds.</summary>
internal sealed class UrlsTakenOver : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses.Clear();
        next(app);
    };
}
