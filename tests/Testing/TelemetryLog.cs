using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// One log record of an answer of the trace viewer's telemetry API (<see cref="TraceViewer.GetLogsAsync"/>), with
/// the service (<c>service.name</c>) and scope (the logger's category) that wrote it; <see cref="Record"/> is its OTLP JSON.
/// </summary>
public sealed record TelemetryLog(string Service, string Scope, JsonElement Record)
{
    /// <summary>The message (its body's string value), or empty.</summary>
    public string Body => Record.TryGetProperty("body", out var body) ? OtlpJson.Text(body, "stringValue") ?? "" : "";

    /// <summary>Trace, Debug, Information, Warning, Error or Critical, as the service named it.</summary>
    public string SeverityText => OtlpJson.Text(Record, "severityText") ?? "";

    /// <summary>The trace it was written in, or null.</summary>
    public string? TraceId => OtlpJson.Text(Record, "traceId");

    /// <summary>The span it was written in, or null.</summary>
    public string? SpanId => OtlpJson.Text(Record, "spanId");

    /// <summary>The record's attribute <paramref name="key"/> as text, or null.</summary>
    public string? Attribute(string key) => OtlpJson.Attribute(Record, key);

    /// <summary>Every record in <paramref name="answer"/> (<c>data.resourceLogs[].scopeLogs[].logRecords[]</c>), each outliving it.</summary>
    public static IReadOnlyList<TelemetryLog> All(JsonDocument answer) =>
        [.. OtlpJson.Items(answer, "resourceLogs", "scopeLogs", "logRecords").Select(item => new TelemetryLog(item.Service, item.Scope, item.Item))];
}
