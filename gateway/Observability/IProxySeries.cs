namespace Platform.Gateway.Observability;

/// <summary>
/// Series a gateway feature keeps per route or per destination: published at 0 while the route or
/// destination exists, so a rate over them reads 0 rather than nothing, and removed with it.
/// </summary>
/// <remarks>
/// Each feature registers its own in its <c>Add…</c> method; <see cref="UpstreamHealthGauges"/>
/// enumerates them at every scrape, so adding a feature never edits the gauges.
/// </remarks>
public interface IProxySeries
{
    void PublishRoute(string route)
    {
    }

    void PublishDestination(string cluster, string destination)
    {
    }

    void UnpublishDestination(string cluster, string destination)
    {
    }
}
