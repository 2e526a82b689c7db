using Platform.Gateway.Observability;

namespace Platform.Gateway.Outliers;

public static class OutlierSetup
{
    /// <summary>Outlier ejection: its options, the detector, and its per-destination ejection counts.</summary>
    public static IReverseProxyBuilder AddOutlierEjection(this IReverseProxyBuilder proxy)
    {
        proxy.Services.AddOptions<OutlierOptions>().BindConfiguration(OutlierOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        proxy.Services.AddSingleton<OutlierDetector>();
        proxy.Services.AddSingleton<IProxySeries, EjectionSeries>();
        return proxy;
    }

    private sealed class EjectionSeries : IProxySeries
    {
        public void PublishDestination(string cluster, string destination) => OutlierDetector.Publish(cluster, destination);

        public void UnpublishDestination(string cluster, string destination) => OutlierDetector.Unpublish(cluster, destination);
    }
}
