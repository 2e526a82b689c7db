using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Outliers;

/// <summary>Leaves the replicas the outlier detector has ejected out of the candidates load balancing chooses from.</summary>
public static class OutlierEjection
{
    /// <summary>Must run before SafeRetry and load balancing, so neither picks an ejected replica.</summary>
    public static IApplicationBuilder UseOutlierEjection(this IApplicationBuilder pipeline)
    {
        var detector = pipeline.ApplicationServices.GetRequiredService<OutlierDetector>();
        pipeline.Use((context, next) =>
        {
            var proxy = context.GetReverseProxyFeature();
            proxy.AvailableDestinations = WithoutEjected(detector, proxy.AvailableDestinations);
            return next(context);
        });
        return pipeline;
    }

    // Allocates only while something is ejected; never leaves nothing, so a cluster with every
    // replica slow keeps serving (slowly) rather than answering 503.
    private static IReadOnlyList<DestinationState> WithoutEjected(OutlierDetector detector, IReadOnlyList<DestinationState> candidates)
    {
        var any = false;
        foreach (var destination in candidates)
        {
            if (detector.IsEjected(destination))
            {
                any = true;
                break;
            }
        }
        if (!any)
            return candidates;
        var kept = candidates.Where(destination => !detector.IsEjected(destination)).ToArray();
        return kept.Length > 0 ? kept : candidates;
    }
}
