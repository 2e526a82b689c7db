using Prometheus;
using Yarp.ReverseProxy;
using Platform.Gateway.Outliers;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Observability;

/// <summary>
/// Publishes YARP's view of each destination at every scrape, read from <see cref="IProxyStateLookup"/>,
/// so the gauges can never disagree with what the proxy routes to. Each feature's own series
/// (<see cref="IProxySeries"/>: retries, hedges, ejections, deadlines) are published with their route or
/// destination, at 0. Destinations removed by a configuration reload disappear from /metrics with them.
/// </summary>
public sealed class UpstreamHealthGauges
{
    private static readonly Gauge Healthy = Metrics.CreateGauge(
        "gateway_upstream_healthy",
        "1 while the destination is in rotation (healthy, or not probed yet); 0 while a health check or the outlier detector holds it out.",
        "cluster", "destination");

    private static readonly Gauge Destinations = Metrics.CreateGauge(
        "gateway_upstream_destinations",
        "Destinations by health state: healthy (passed its last check), unhealthy (failed an active or passive check), unknown (not checked yet).",
        "cluster", "state");

    private static readonly Gauge Ejected = Metrics.CreateGauge(
        "gateway_upstream_ejected",
        "1 while the outlier detector keeps the destination out of rotation for being slow or frozen, else 0.",
        "cluster", "destination");

    private readonly IProxyStateLookup _proxy;
    private readonly OutlierDetector _outliers;
    private readonly IProxySeries[] _series;

    public UpstreamHealthGauges(IProxyStateLookup proxy, OutlierDetector outliers, IEnumerable<IProxySeries> series)
    {
        _proxy = proxy;
        _outliers = outliers;
        _series = [.. series];
        Metrics.DefaultRegistry.AddBeforeCollectCallback(Update);
    }

    private void Update()
    {
        var published = new HashSet<(string Cluster, string Destination)>();
        foreach (var route in _proxy.GetRoutes())
        {
            foreach (var series in _series)
                series.PublishRoute(route.Config.RouteId);
        }
        foreach (var cluster in _proxy.GetClusters())
        {
            var available = cluster.DestinationsState.AvailableDestinations;
            int healthy = 0, unhealthy = 0, unknown = 0;
            foreach (var destination in cluster.Destinations.Values)
            {
                var ejected = _outliers.IsEjected(destination);
                Healthy.WithLabels(cluster.ClusterId, destination.DestinationId).Set(available.Contains(destination) && !ejected ? 1 : 0);
                Ejected.WithLabels(cluster.ClusterId, destination.DestinationId).Set(ejected ? 1 : 0);
                foreach (var series in _series)
                    series.PublishDestination(cluster.ClusterId, destination.DestinationId);
                published.Add((cluster.ClusterId, destination.DestinationId));
                switch (StateOf(destination.Health))
                {
                    case DestinationHealth.Healthy: healthy++; break;
                    case DestinationHealth.Unhealthy: unhealthy++; break;
                    default: unknown++; break;
                }
            }
            Destinations.WithLabels(cluster.ClusterId, "healthy").Set(healthy);
            Destinations.WithLabels(cluster.ClusterId, "unhealthy").Set(unhealthy);
            Destinations.WithLabels(cluster.ClusterId, "unknown").Set(unknown);
        }

        foreach (var labels in Healthy.GetAllLabelValues())
        {
            if (!published.Contains((labels[0], labels[1])))
            {
                Healthy.RemoveLabelled(labels);
                Ejected.RemoveLabelled(labels);
                foreach (var series in _series)
                    series.UnpublishDestination(labels[0], labels[1]);
            }
        }
    }

    // Either check failing takes a destination out, so either one failing makes it unhealthy.
    private static DestinationHealth StateOf(DestinationHealthState health) =>
        health.Active == DestinationHealth.Unhealthy || health.Passive == DestinationHealth.Unhealthy ? DestinationHealth.Unhealthy
        : health.Active == DestinationHealth.Healthy || health.Passive == DestinationHealth.Healthy ? DestinationHealth.Healthy
        : DestinationHealth.Unknown;
}
