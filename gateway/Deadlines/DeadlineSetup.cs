using Platform.Gateway.Observability;

namespace Platform.Gateway.Deadlines;

public static class DeadlineSetup
{
    /// <summary>Deadlines: the per-route count of deadlines passed, published for every route.</summary>
    public static IReverseProxyBuilder AddDeadlines(this IReverseProxyBuilder proxy)
    {
        proxy.Services.AddSingleton<IProxySeries, DeadlineSeries>();
        return proxy;
    }

    private sealed class DeadlineSeries : IProxySeries
    {
        public void PublishRoute(string route) => DeadlineMiddleware.PublishRoute(route);
    }
}
