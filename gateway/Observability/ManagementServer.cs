using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Observability;

/// <summary>
/// The management listener (<c>Metrics:Host</c>:<c>Metrics:Port</c>): <c>/metrics</c>,
/// <c>/health/live</c> and <c>/health/ready</c>. A server of its own, like prometheus-net's
/// KestrelMetricServer, so none of the proxy's middleware (rate limits, problem bodies, request
/// timing) touches a scrape, and nothing here can be reached through the proxy port.
/// </summary>
public sealed class ManagementServer(
    IOptions<MetricsOptions> options,
    UpstreamHealthGauges gauges,
    IProxyStateLookup proxy,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(gauges); // Constructed for its scrape callback.
        var settings = options.Value;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls($"http://{settings.Host}:{settings.Port}")
            .ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddLogging();
        // The gateway's host owns the process's signals; this server starts and stops with it.
        builder.Services.AddSingleton<IHostLifetime, HostedByGateway>();
        builder.Services.AddRoutingCore();
        builder.Services.AddHealthChecks()
            .AddCheck("upstream", new UpstreamReadiness(proxy, lifetime), tags: ["ready"]);

        var server = builder.Build();
        server.MapMetrics("/metrics");
        // Liveness: the process answers, whatever the replicas do, so their outage never gets the gateway restarted.
        server.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        server.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteAsync });
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

    private sealed class HostedByGateway : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status == HealthStatus.Healthy ? "ok" : "unavailable",
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Description),
        }));
    }
}
