using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// One span of an answer of the trace viewer's telemetry API (<see cref="TraceViewer"/>), with the service
/// (<c>service.name</c>) and instrumentation scope that sent it; <see cref="Span"/> is its OTLP JSON.
/// </summary>
public sealed record TelemetrySpan(string Service, string Scope, JsonElement Span)
{
    /// <summary>32 hex digits.</summary>
    public string TraceId => OtlpJson.Text(Span, "traceId") ?? "";

    /// <summary>16 hex digits.</summary>
    public string SpanId => OtlpJson.Text(Span, "spanId") ?? "";

    /// <summary>The parent's span id, or null for a trace's root.</summary>
    public string? ParentSpanId => OtlpJson.Text(Span, "parentSpanId");

    public string Name => OtlpJson.Text(Span, "name") ?? "";

    /// <summary>OTLP's span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified).</summary>
    public long Kind => OtlpJson.Number(Span, "kind") ?? 0;

    /// <summary>OTLP's status code: 0 unset, 1 ok, 2 error.</summary>
    public long StatusCode => Span.TryGetProperty("status", out var status) ? OtlpJson.Number(status, "code") ?? 0 : 0;

    /// <summary>Its duration, from its start and end times.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(((OtlpJson.Number(Span, "endTimeUnixNano") ?? 0) - (OtlpJson.Number(Span, "startTimeUnixNano") ?? 0)) / 100);

    /// <summary>The span's attribute <paramref name="key"/> as text (numbers and booleans too), or null.</summary>
    public string? Attribute(string key) => OtlpJson.Attribute(Span, key);

    /// <summary>Every span in <paramref name="answer"/> (<c>data.resourceSpans[].scopeSpans[].spans[]</c>), each outliving it.</summary>
    public static IReadOnlyList<TelemetrySpan> All(JsonDocument answer) =>
        [.. OtlpJson.Items(answer, "resourceSpans", "scopeSpans", "spans").Select(item => new TelemetrySpan(item.Service, item.Scope, item.Item))];
}
