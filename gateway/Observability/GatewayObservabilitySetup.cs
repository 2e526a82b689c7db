using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Platform.Contracts.Management;
using Prometheus;

namespace Platform.Gateway.Observability;

public static class GatewayObservabilitySetup
{
    /// <summary>
    /// Request durations in seconds, the API's buckets: 0.5 s and 5 s are boundaries so the
    /// dashboards' and alerts' thresholds are read off a bucket, never interpolated.
    /// </summary>
    public static readonly double[] RequestDurationBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

    /// <summary>The label value for a request outside every YARP route (a 404), or one no destination answered (a 413, a 503).</summary>
    public const string None = "none";

    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder)
    {
        // .NET meters (Kestrel, HttpClient, sockets) would add a listener on every proxied request
        // and many series nobody charts; the gateway's own histogram says what matters.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true });

        if (builder.AddManagementServer<GatewayManagementServer>().IsServed)
            builder.Services.AddSingleton<UpstreamHealthGauges>();
        return builder;
    }

    /// <summary>Times every request into the histogram and settles its trace (<see cref="RequestTiming"/>).</summary>
    public static WebApplication UseGatewayObservability(this WebApplication app)
    {
        var served = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.IsServed;
        if (!served && app.Services.GetService<TracerProvider>() is null)
            return app;

        var durations = !served ? null : Metrics.CreateHistogram(
            "gateway_request_duration_seconds",
            "Time to answer a request at the gateway, by YARP route, destination that served it, method and status class.",
            new HistogramConfiguration
            {
                Buckets = RequestDurationBuckets,
                LabelNames = ["route", "destination", "method", "code"],
                // Only kept requests carry one, passed by RequestTiming: looking for a trace on every
                // request cost CPU, and an unkept request's trace id leads nowhere.
                ExemplarBehavior = ExemplarBehavior.NoExemplars(),
            });
        app.Use(new RequestTiming(durations).InvokeAsync);
        return app;
    }
}
