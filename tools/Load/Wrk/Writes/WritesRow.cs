using System.Globalization;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// One row of the writes table: req/s (or tx/s), p50, p95, p99, non-2xx, statuses and socket
/// errors/timeouts, as the BENCH lines printed them ("-" where a column does not apply).
/// </summary>
public sealed record WritesRow(string Rps, string P50, string P95, string P99, string Non2xx, string Statuses, string Errors)
{
    /// <summary>One wrk run's row.</summary>
    public static WritesRow From(BenchLine line) => new(
        line.Field("rps") ?? "0", line.Field("p50_ms") ?? "0", line.Field("p95_ms") ?? "0", line.Field("p99_ms") ?? "0",
        line.Field("non2xx") ?? "0", line.Field("statuses") ?? "-",
        Whole(line.Number("socket_errors") + line.Number("timeouts")));

    /// <summary>A database ceiling's row: only its transactions per second apply.</summary>
    public static WritesRow Transactions(string perSecond) => new(perSecond, "-", "-", "-", "0", "-", "0");

    /// <summary>
    /// The row of wrk processes run at once, one per replica: req/s summed; percentiles cannot be merged from
    /// summaries, so each is the worst of them; non-2xx and errors summed; statuses added up per status.
    /// </summary>
    public static WritesRow Merge(IReadOnlyList<BenchLine> lines)
    {
        string Worst(string key) => lines.Select(line => line.Field(key) ?? "0").MaxBy(Number) is { } worst && Number(worst) > 0 ? worst : "0";
        return new WritesRow(
            lines.Sum(line => line.Number("rps")).ToString("F1", CultureInfo.InvariantCulture),
            Worst("p50_ms"), Worst("p95_ms"), Worst("p99_ms"),
            Whole(lines.Sum(line => line.Number("non2xx"))),
            MergeStatuses(lines.Select(line => line.Field("statuses") ?? "-")),
            Whole(lines.Sum(line => line.Number("socket_errors") + line.Number("timeouts"))));
    }

    /// <summary>"200:5,201:3" lists added up per status, sorted as text; "-" when none has any.</summary>
    public static string MergeStatuses(IEnumerable<string> lists)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in lists.SelectMany(list => list.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = pair.Split(':');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                counts[parts[0]] = counts.GetValueOrDefault(parts[0]) + n;
        }
        return counts.Count == 0 ? "-" : string.Join(',', counts.Select(count => $"{count.Key}:{count.Value.ToString(CultureInfo.InvariantCulture)}"));
    }

    /// <summary>The count of 201 answers in a statuses list.</summary>
    public static long Created(string statuses) =>
        statuses.Split(',').Select(pair => pair.Split(':')).Where(parts => parts is ["201", _])
            .Sum(parts => long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);

    public static double Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string Whole(double value) => ((long)value).ToString(CultureInfo.InvariantCulture);
}
