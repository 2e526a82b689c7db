using System.Diagnostics;
using OpenTelemetry;
using Prometheus;

namespace Platform.Contracts.Tracing;

/// <summary>
/// What became of the kept spans. <c>tracing_spans_kept_total</c>: spans sampled (or kept for their
/// outcome) and handed to the export queue. <c>tracing_spans_exported_total</c>: spans the collector
/// accepted. <c>tracing_spans_dropped_total</c>: spans lost, by reason: <c>export_failed</c> (the
/// collector refused them or could not be reached) and <c>queue_full</c> (more waited than the export
/// queue holds: a collector slower than the spans, a storm of kept failures).
/// </summary>
/// <remarks>
/// Written here because OpenTelemetry keeps its queue's drop count internal and reports a failed export
/// only to its own event source, and wrapping its exporter would hide the service's resource from it.
/// So the spans are counted where they leave, on the exporter's HTTP client, by counting the spans in
/// each OTLP request (<see cref="OtlpSpanCount"/>), and the queue is bounded here, one batch short of
/// OpenTelemetry's own bound: a span that would make more wait than that is dropped and counted by
/// <see cref="KeptCounter"/> before it reaches the queue, so OpenTelemetry's queue never drops one
/// uncounted. (What waits is counted from the spans handed over less those already sent, which can only
/// overstate it, by at most the batch being sent.)
/// </remarks>
public static class SpanExportMetrics
{
    private static readonly Counter Kept = Metrics.CreateCounter(
        "tracing_spans_kept_total", "Spans kept by sampling or by their outcome and handed to the export queue.");

    private static readonly Counter Exported = Metrics.CreateCounter(
        "tracing_spans_exported_total", "Spans the collector accepted.");

    private static readonly Counter Dropped = Metrics.CreateCounter(
        "tracing_spans_dropped_total",
        "Kept spans that never reached the collector: export_failed (refused or unreachable) or queue_full (the export queue was full).",
        "reason");

    /// <summary>The most spans one export carries (OpenTelemetry's default batch).</summary>
    public const int MaxBatch = 512;

    private static long _kept;
    private static long _taken;

    static SpanExportMetrics()
    {
        Dropped.WithLabels("export_failed");
        Dropped.WithLabels("queue_full");
    }

    /// <summary>
    /// Counts each kept span as it is handed to the queue (placed just before it), or drops and counts it
    /// when <paramref name="maxQueueSize"/> less a batch already wait.
    /// </summary>
    public sealed class KeptCounter(int maxQueueSize) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (!data.Recorded)
                return;
            if (Volatile.Read(ref _kept) - Volatile.Read(ref _taken) >= maxQueueSize - MaxBatch)
            {
                // Not recorded any more, so the export queue (next in line) passes it by.
                data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                Dropped.WithLabels("queue_full").Inc();
                return;
            }

            Interlocked.Increment(ref _kept);
            Kept.Inc();
        }
    }

    /// <summary>The exporter's HTTP client, counting the spans each request carried and what became of them.</summary>
    public static HttpClient ExportClient(TimeSpan timeout) => new(new CountingHandler(new SocketsHttpHandler())) { Timeout = timeout };

    private static void Settle(int spans, bool accepted)
    {
        if (accepted)
            Exported.Inc(spans);
        else
            Dropped.WithLabels("export_failed").Inc(spans);
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        // The exporter sends synchronously from its own thread; both paths are counted.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var spans = Count(request);
            try
            {
                var response = base.Send(request, cancellationToken);
                Settle(spans, response.IsSuccessStatusCode);
                return response;
            }
            catch
            {
                Settle(spans, accepted: false);
                throw;
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var spans = Count(request);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                Settle(spans, response.IsSuccessStatusCode);
                return response;
            }
            catch
            {
                Settle(spans, accepted: false);
                throw;
            }
        }

        /// <summary>Spans in a trace export, now out of the queue; 0 for a log export (its records are not spans).</summary>
        private static int Count(HttpRequestMessage request)
        {
            if (request.RequestUri is not { } uri || !uri.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal) || request.Content is not { } content)
                return 0;
            var spans = OtlpSpanCount.Of(content.ReadAsStream());
            Interlocked.Add(ref _taken, spans);
            return spans;
        }
    }
}
