using System.ComponentModel.DataAnnotations;

namespace Platform.Contracts.Tracing;

/// <summary>
/// The <c>Tracing</c> section. Spans are exported only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names
/// a collector (the OpenTelemetry variables: <c>OTEL_EXPORTER_OTLP_HEADERS</c> carries its key);
/// without it no tracer is registered at all and a request pays nothing for tracing.
/// </summary>
public sealed class TracingOptions
{
    public const string Section = "Tracing";

    /// <summary>The OpenTelemetry variable that turns export on: the collector's base URL (OTLP/HTTP).</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OpenTelemetry variable with the collector's headers, <c>name=value</c> pairs separated by commas.</summary>
    public const string HeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";

    /// <summary>
    /// The share of requests with no parent that are traced, decided by the trace id (so the gateway and
    /// every replica agree). 0.01 by default. Requests that end badly are kept besides (docs/tracing.md).
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "Tracing:SampleRatio must be between 0 and 1 (a share of requests, 0.01 is 1 %).")]
    public double SampleRatio { get; set; } = 0.01;

    /// <summary>Spans waiting for export beyond this many are dropped (and counted), never held in memory.</summary>
    [Range(1024, 1_000_000, ErrorMessage = "Tracing:MaxQueueSize must be between 1024 and 1000000 spans.")]
    public int MaxQueueSize { get; set; } = 8192;
}
