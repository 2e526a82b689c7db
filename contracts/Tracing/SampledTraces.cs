using System.Diagnostics;
using Prometheus;

namespace Platform.Contracts.Tracing;

/// <summary>
/// Exemplars for latency histograms: the trace and span id of a request whose trace was kept, so a
/// slow bucket leads to a trace that exists. prometheus-net's own default takes the current span
/// whether or not it is kept, and most are not (1 % sampling).
/// </summary>
public static class SampledTraces
{
    private static readonly Prometheus.Exemplar.LabelKey TraceId = Prometheus.Exemplar.Key("trace_id");
    private static readonly Prometheus.Exemplar.LabelKey SpanId = Prometheus.Exemplar.Key("span_id");

    public static Prometheus.Exemplar Exemplar(Activity activity) =>
        Prometheus.Exemplar.From(TraceId.WithValue(activity.TraceId.ToHexString()), SpanId.WithValue(activity.SpanId.ToHexString()));

    /// <summary>For a histogram that finds its own exemplar: the current span's, when kept; else none.</summary>
    public static readonly ExemplarBehavior OfKeptTraces = new()
    {
        DefaultExemplarProvider = static (_, _) => Activity.Current is { Recorded: true } activity ? Exemplar(activity) : Prometheus.Exemplar.None,
    };
}
