using Yarp.ReverseProxy.Configuration;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Routes whose answers are bulk transfers (the back office's CSV export), marked by their YARP metadata
/// (<c>ReverseProxy:Routes:NAME:Metadata:Bulk</c> = <c>true</c>). Such a request runs for minutes by design, so
/// it is never hedged (a copy would read the whole table again) and its time says nothing about how fast
/// a replica is: it never feeds the hedge delay or the outlier detector. Its route label keeps it out of
/// the latency alerts (prometheus/alerts.yml).
/// </summary>
public static class BulkRoutes
{
    public const string MetadataKey = "Bulk";

    public static bool IsBulk(RouteConfig? route) =>
        route?.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
