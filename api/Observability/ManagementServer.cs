using Microsoft.Extensions.Options;
using Prometheus;

namespace Platform.Api.Observability;

/// <summary>
/// The management listener (<c>Metrics:Host</c>:<c>Metrics:Port</c>) serving <c>/metrics</c>: a
/// server of its own, so none of the API's middleware (identity, deadlines, bulkheads) touches a
/// scrape and nothing here is reachable on the API port.
/// </summary>
/// <remarks>
/// In place of prometheus-net's <c>AddMetricServer</c>, whose Kestrel cannot be configured and so
/// names itself in a <c>Server</c> header on every scrape; the gateway's management listener is
/// built the same way.
/// </remarks>
public sealed class ManagementServer(IOptions<MetricsOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls($"http://{settings.Host}:{settings.Port}")
            .ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddLogging();
        // The API's host owns the process's signals; this server starts and stops with it.
        builder.Services.AddSingleton<IHostLifetime, HostedByApi>();
        builder.Services.AddRoutingCore();

        var server = builder.Build();
        server.MapMetrics("/metrics");
        await server.StartAsync(cancellationToken);
        _server = server;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private sealed class HostedByApi : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
