using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.Contracts.Tracing;

/// <summary>
/// OpenTelemetry for a service: server spans for its requests, the sources it names, sampling by
/// <see cref="PlatformSampler"/>, personal data taken out (<see cref="SpanPrivacy"/>), export over
/// OTLP/HTTP to the collector the <c>OTEL_EXPORTER_OTLP_*</c> variables name, with its logs alongside
/// (each carries its trace and span id). Nothing is registered when no collector is named.
/// </summary>
public static class TracingSetup
{
    /// <summary>
    /// Paths not traced unless a traced request asked for them (a request with a context): scrapes and
    /// probes, several a second each. The service adds its own (a replica: the gateway's health probes).
    /// </summary>
    private static readonly string[] ManagementPaths = ["/metrics", "/health"];

    /// <summary>
    /// Registers tracing for <paramref name="serviceName"/> (one instance of it: <paramref name="instanceId"/>).
    /// Returns whether spans are exported.
    /// </summary>
    public static bool AddTracing(this WebApplicationBuilder builder, string serviceName, string instanceId,
        Action<TracerProviderBuilder>? sources = null, IReadOnlyList<string>? probes = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var settings = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
        // Read here, before ValidateOnStart runs, so checked here too, with the same messages.
        Validator.ValidateObject(settings, new ValidationContext(settings), validateAllProperties: true);

        var endpoint = builder.Configuration[TracingOptions.EndpointVariable];
        if (string.IsNullOrWhiteSpace(endpoint))
            return false;
        var collector = new Uri(endpoint.TrimEnd('/') + "/", UriKind.Absolute);
        var headers = builder.Configuration[TracingOptions.HeadersVariable];

        var queue = new BatchActivityExportProcessor(new OtlpTraceExporter(Exporter(collector, "v1/traces", headers)),
            maxQueueSize: settings.MaxQueueSize, maxExportBatchSize: SpanExportMetrics.MaxBatch);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instanceId))
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new PlatformSampler(settings.SampleRatio))
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        options.RecordException = false; // an exception's message can quote what a client sent
                        string[] untraced = [.. ManagementPaths, .. probes ?? []];
                        options.Filter = context => context.Request.Headers.ContainsKey("traceparent") || !IsProbe(context.Request.Path, untraced);
                    });
                sources?.Invoke(tracing);
                tracing.AddProcessor(new SpanPrivacy()).AddProcessor(new SpanExportMetrics.KeptCounter(settings.MaxQueueSize)).AddProcessor(queue);
            })
            .WithLogging(logging => logging.AddProcessor(new BatchLogRecordExportProcessor(
                new OtlpLogExporter(Exporter(collector, "v1/logs", headers)))));
        return true;
    }

    private static bool IsProbe(PathString path, string[] probes)
    {
        foreach (var probe in probes)
        {
            if (path.StartsWithSegments(probe, StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }

    private static OtlpExporterOptions Exporter(Uri collector, string signal, string? headers)
    {
        var timeout = TimeSpan.FromSeconds(10);
        return new OtlpExporterOptions
        {
            Endpoint = new Uri(collector, signal),
            Protocol = OtlpExportProtocol.HttpProtobuf,
            Headers = headers,
            TimeoutMilliseconds = (int)timeout.TotalMilliseconds,
            HttpClientFactory = () => SpanExportMetrics.ExportClient(timeout),
        };
    }
}
