using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Observability;

/// <summary>
/// Ready while the proxy has at least one destination in rotation, and not while it drains for a
/// shutdown, so an orchestrator stops sending before the listener closes.
/// </summary>
public sealed class UpstreamReadiness(IProxyStateLookup proxy, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Unhealthy("The gateway is shutting down."));

        var available = proxy.GetClusters().Sum(cluster => cluster.DestinationsState.AvailableDestinations.Count);
        return Task.FromResult(available > 0
            ? HealthCheckResult.Healthy($"{available} destination(s) in rotation.")
            : HealthCheckResult.Unhealthy("No destination is in rotation."));
    }
}
