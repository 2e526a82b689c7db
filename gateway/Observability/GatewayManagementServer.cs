using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Platform.Contracts.Management;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Observability;

/// <summary>
/// The gateway's management listener: <c>/metrics</c>, as every service's, plus <c>/health/live</c>
/// and <c>/health/ready</c>, which an orchestrator must reach apart from the proxy port (a client
/// asking the proxy for them gets a 404).
/// </summary>
public sealed class GatewayManagementServer(
    IOptions<MetricsOptions> options,
    UpstreamHealthGauges gauges,
    IProxyStateLookup proxy,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : ManagementServer(options, loggerFactory)
{
    protected override void ConfigureServices(IServiceCollection services)
    {
        GC.KeepAlive(gauges); // Constructed for its scrape callback.
        services.AddHealthChecks()
            .AddCheck("upstream", new UpstreamReadiness(proxy, lifetime), tags: ["ready"]);
    }

    protected override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // Liveness: the process answers, whatever the replicas do, so their outage never gets the gateway restarted.
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteAsync });
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
