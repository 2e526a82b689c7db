using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Platform.Contracts.Management;

/// <summary>
/// The management listener (<c>Metrics:Host</c>:<c>Metrics:Port</c>) serving <c>/metrics</c>: a
/// server of its own, so none of the service's middleware (identity, deadlines, rate limits, problem
/// bodies, request timing) touches a scrape and nothing here is reachable on the service's port. A
/// service that serves more here (the gateway: its health endpoints) derives from it.
/// </summary>
/// <remarks>
/// In place of prometheus-net's <c>AddMetricServer</c>, whose Kestrel cannot be configured and so
/// names itself in a <c>Server</c> header on every scrape.
/// </remarks>
public class ManagementServer(IOptions<MetricsOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
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
        // The service's host owns the process's signals; this server starts and stops with it.
        builder.Services.AddSingleton<IHostLifetime, HostedByService>();
        builder.Services.AddRoutingCore();
        ConfigureServices(builder.Services);

        var server = builder.Build();
        server.MapMetrics("/metrics");
        MapEndpoints(server);
        await server.StartAsync(cancellationToken);
        _server = server;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds what the endpoints of <see cref="MapEndpoints"/> need to the listener's own services.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Maps what the listener serves besides <c>/metrics</c>.</summary>
    protected virtual void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    private sealed class HostedByService : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
