using Microsoft.Extensions.Options;
using Platform.Contracts.Http;
using Platform.Api.Tracing;
using Platform.Contracts.Management;
using Platform.Contracts.Tracing;
using Prometheus;
using Prometheus.HttpMetrics;

namespace Platform.Api.Observability;

public static class ObservabilitySetup
{
    /// <summary>
    /// Request durations in seconds. 0.5 s and 5 s are boundaries so the dashboards' and alerts'
    /// thresholds are read off a bucket, never interpolated.
    /// </summary>
    public static readonly double[] RequestDurationBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

    /// <summary>Pool wait, use and create times: usually well under a millisecond, bounded by the pool timeout.</summary>
    public static readonly double[] ConnectionTimeBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReplicaOptions>().BindConfiguration(ReplicaOptions.Section)
            .PostConfigure(static replica => replica.Id ??= Environment.MachineName)
            .ValidateDataAnnotations().ValidateOnStart();

        // The built-in meter export starts at the first scrape; MeterExport starts with the process.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true });
        builder.Services.AddSingleton<PoolInstruments>();
        builder.Services.AddSingleton<MeterExport>();

        // /metrics on a listener of its own; none with Metrics:Port 0 or Metrics:Enabled false.
        builder.AddManagementServer<ManagementServer>();
        return builder;
    }

    /// <summary>Stamps every response with the replica id and times it into the request histogram.</summary>
    public static WebApplication UseObservability(this WebApplication app)
    {
        var replicaId = app.Services.GetRequiredService<IOptions<ReplicaOptions>>().Value.Id;
        app.Use((context, next) =>
        {
            // OnStarting, not a plain header: the exception handler clears headers before writing a problem.
            context.Response.OnStarting(static state =>
            {
                var (response, id) = ((HttpResponse, string))state;
                response.Headers[PlatformHeaders.Replica] = id;
                return Task.CompletedTask;
            }, (context.Response, replicaId));
            return next(context);
        });
        app.UseHttpMetrics(options =>
        {
            options.ReduceStatusCodeCardinality();
            options.RequestDuration.Histogram = Metrics.CreateHistogram(
                "http_request_duration_seconds",
                "Time to answer an HTTP request, by route template, method and status class.",
                new HistogramConfiguration
                {
                    Buckets = RequestDurationBuckets,
                    LabelNames = [HttpRequestLabelNames.Code, HttpRequestLabelNames.Method, HttpRequestLabelNames.Endpoint],
                    ExemplarBehavior = SampledTraces.OfKeptTraces, // only a kept trace's id: the others lead nowhere
                });
        });
        app.UseKeptFailures();
        return app;
    }
}
