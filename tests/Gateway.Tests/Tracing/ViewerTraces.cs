using Platform.Testing;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// A trace as the viewer holds it once every process has exported its part: each exports in its own
/// batches (every 5 s at most), so the gateway's spans can arrive before the replica's.
/// </summary>
public static class ViewerTraces
{
    public static async Task<List<TelemetrySpan>> WaitForAsync(TraceViewer viewer, string traceId, Func<List<TelemetrySpan>, bool> complete, string expected)
    {
        List<TelemetrySpan> spans = [];
        await Eventually.AssertAsync(async () =>
        {
            using var trace = await viewer.WaitForTraceAsync(traceId);
            spans = TelemetrySpan.All(trace).Select(s => s with { Span = s.Span.Clone() }).ToList();
            return complete(spans);
        }, TraceViewer.DefaultWait, () => $"trace {traceId} never held {expected}; it held: " + string.Join(", ", spans.Select(s => $"{s.Service}/{s.Name}")),
            TimeSpan.FromSeconds(1));
        return spans;
    }
}
