using Platform.Gateway.Observability;

namespace Platform.Gateway.Proxy;

public static class SafeRetrySetup
{
    /// <summary>The one safe retry: its per-destination retry count.</summary>
    public static IReverseProxyBuilder AddSafeRetry(this IReverseProxyBuilder proxy)
    {
        proxy.Services.AddSingleton<IProxySeries, RetrySeries>();
        return proxy;
    }

    private sealed class RetrySeries : IProxySeries
    {
        public void PublishDestination(string cluster, string destination) => SafeRetry.PublishRetries(cluster, destination);

        public void UnpublishDestination(string cluster, string destination) => SafeRetry.UnpublishRetries(cluster, destination);
    }
}
