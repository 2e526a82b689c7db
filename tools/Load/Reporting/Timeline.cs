using System.Text;
using Platform.Load.Traffic;

namespace Platform.Load.Reporting;

/// <summary>One second of a run, by when requests were due: how many, how many failed, and their percentiles.</summary>
public sealed record TimelineSecond(int Second, int Requests, int Failures, double P50, double P95, double P99);

public static class Timeline
{
    public static List<TimelineSecond> Of(IEnumerable<RequestRecord> records, double durationMs)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(durationMs / 1000));
        var buckets = records.GroupBy(r => Math.Clamp((int)(r.ScheduledMs / 1000), 0, seconds - 1)).ToDictionary(g => g.Key, g => g.ToList());
        var timeline = new List<TimelineSecond>(seconds);
        for (var second = 0; second < seconds; second++)
        {
            if (!buckets.TryGetValue(second, out var bucket))
            {
                timeline.Add(new TimelineSecond(second, 0, 0, double.NaN, double.NaN, double.NaN));
                continue;
            }

            var (p50, p95, p99) = Percentiles.Of(bucket.Select(r => r.LatencyMs));
            timeline.Add(new TimelineSecond(second, bucket.Count, bucket.Count(r => r.Failed), p50, p95, p99));
        }

        return timeline;
    }

    public static string ToCsv(IEnumerable<TimelineSecond> timeline)
    {
        var text = new StringBuilder("second,requests,failures,p50_ms,p95_ms,p99_ms\n");
        foreach (var s in timeline)
            text.Append(Csv.Line(s.Second.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.Failures.ToString(System.Globalization.CultureInfo.InvariantCulture), Csv.Number(s.P50), Csv.Number(s.P95), Csv.Number(s.P99))).Append('\n');
        return text.ToString();
    }
}
