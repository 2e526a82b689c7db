using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Hedging;

/// <summary>
/// What the hedging handler needs to know about a proxied request, which YARP does not hand an
/// <see cref="HttpMessageHandler"/>: the replicas it could go to, whether it is safe to repeat, and
/// its body as bytes (a copy cannot read the stream the first attempt is reading). Made by a proxy
/// middleware before load balancing narrows the candidates to one, passed to the handler in the
/// outgoing request's options by a request transform.
/// </summary>
public sealed class HedgePlan(IReverseProxyFeature proxy, IReadOnlyList<DestinationState> candidates, bool safeToRepeat, byte[]? body, bool bulk = false)
{
    public static readonly HttpRequestOptionsKey<HedgePlan> Key = new("platform.hedge-plan");

    public IReverseProxyFeature Proxy { get; } = proxy;

    /// <summary>The destinations load balancing chose from (the outlier detector's ejections already removed).</summary>
    public IReadOnlyList<DestinationState> Candidates { get; } = candidates;

    public bool SafeToRepeat { get; } = safeToRepeat;

    /// <summary>A bulk transfer (<see cref="Proxy.BulkRoutes"/>): never copied, and its time is no replica's speed.</summary>
    public bool Bulk { get; } = bulk;

    /// <summary>The whole request body for a copy; null for requests without one.</summary>
    public byte[]? Body { get; } = body;
}
