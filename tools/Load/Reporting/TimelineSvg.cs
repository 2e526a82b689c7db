namespace Platform.Load.Reporting;

/// <summary><c>timeline.svg</c>: throughput and failures per second above, p50/p95/p99 latency below.</summary>
public static class TimelineSvg
{
    public static string Render(string title, IReadOnlyList<TimelineSecond> timeline)
    {
        List<(double, double)> Points(Func<TimelineSecond, double> value) => timeline.Select(s => ((double)s.Second, value(s))).ToList();
        return LineChart.Document(title,
            ("Throughput", "time (s, by scheduled send)", "requests per second",
                [new Series("requests/s", "#1f77b4", Points(s => s.Requests)), new Series("failures/s", "#d62728", Points(s => s.Failures))]),
            ("Latency from scheduled send", "time (s, by scheduled send)", "latency (ms)",
                [new Series("p50", "#2ca02c", Points(s => s.P50)), new Series("p95", "#ff7f0e", Points(s => s.P95)), new Series("p99", "#9467bd", Points(s => s.P99))]));
    }
}
