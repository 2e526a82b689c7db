using Platform.Gateway.Observability;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Hedging;

public static class HedgingSetup
{
    /// <summary>
    /// Hedging: its options, the transform that plans copies per route, the handler in front of each
    /// cluster's connections (with our socket settings), and its per-destination series.
    /// </summary>
    public static IReverseProxyBuilder AddHedging(this IReverseProxyBuilder proxy)
    {
        proxy.Services.AddOptions<HedgingOptions>().BindConfiguration(HedgingOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        proxy.AddTransforms(HedgePlans.AddHedgePlanTransform);
        proxy.Services.AddSingleton<IForwarderHttpClientFactory, ReplicaHttpClientFactory>();
        proxy.Services.AddSingleton<IProxySeries, HedgeSeries>();
        return proxy;
    }

    private sealed class HedgeSeries : IProxySeries
    {
        public void PublishDestination(string cluster, string destination) => HedgingHandler.Publish(cluster, destination);

        public void UnpublishDestination(string cluster, string destination) => HedgingHandler.Unpublish(cluster, destination);
    }
}
