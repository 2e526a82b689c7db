using System.Net;
using Platform.Contracts.Http;

namespace Platform.Load.Traffic;

/// <summary>One <see cref="HttpClient"/> per client identity, each with its own connection pool.</summary>
public static class ClientFactory
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(35);

    /// <param name="apiKey">Sent as <c>X-Api-Key</c>; null sends none (the anonymous policy).</param>
    public static HttpClient Create(Uri gateway, string? apiKey, SocketsHttpHandler? handler = null)
    {
        handler ??= NewHandler();
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = gateway, Timeout = RequestTimeout };
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add(PlatformHeaders.ApiKey, apiKey);
        client.DefaultRequestHeaders.Add("Accept", "application/json");
        return client;
    }

    public static SocketsHttpHandler NewHandler() => new()
    {
        MaxConnectionsPerServer = 20_000,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    };
}
