using System.Globalization;
using Platform.Load.Runs;

namespace Platform.Load.Faults;

/// <summary>
/// What the replicas shed (<c>api_requests_shed_total</c>, by class and reason), from their metrics
/// scraped before the run and after it: per replica, null when it did not answer; per series, its value.
/// </summary>
public static class ShedCount
{
    public const string Metric = "api_requests_shed_total";

    public static async Task<Dictionary<string, Dictionary<string, double>?>> ScrapeAsync(IReadOnlyList<(string Replica, MetricsEndpoint Endpoint)> replicas)
    {
        var pages = await Task.WhenAll(replicas.Select(r => r.Endpoint.ScrapeAsync()));
        return replicas.Select((r, i) => (r.Replica, Page: pages[i]))
            .ToDictionary(p => p.Replica, p => p.Page is null ? null : Parse(p.Page), StringComparer.Ordinal);
    }

    public static Dictionary<string, double> Parse(string page) =>
        MetricsEndpoint.Series(page, Metric).GroupBy(s => s.Labels, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);

    /// <summary>The sum of the deltas, per replica and per class and reason; "not observed" when no replica exports the counter.</summary>
    public static string Describe(IReadOnlyDictionary<string, Dictionary<string, double>?> before, IReadOnlyDictionary<string, Dictionary<string, double>?> after)
    {
        var exported = after.Where(a => a.Value is { Count: > 0 }).Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
        if (exported.Count == 0)
            return $"not observed ({Metric} not exported by any replica{Unanswered(after)})";
        var deltas = exported.SelectMany(replica => after[replica]!.Select(series =>
            (Replica: replica, series.Key, Delta: series.Value - (before.GetValueOrDefault(replica)?.GetValueOrDefault(series.Key) ?? 0)))).ToList();
        var perReplica = string.Join(", ", exported.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r} {deltas.Where(d => d.Replica == r).Sum(d => d.Delta):0}")));
        var perSeries = string.Join(", ", deltas.GroupBy(d => d.Key, StringComparer.Ordinal).Where(g => g.Sum(d => d.Delta) > 0).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(d => d.Delta):0}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{deltas.Sum(d => d.Delta):0} requests shed ({Metric} after minus before: {perReplica}{(perSeries.Length > 0 ? "; " + perSeries : "")}{Unanswered(after)})");
    }

    private static string Unanswered(IReadOnlyDictionary<string, Dictionary<string, double>?> after)
    {
        var silent = after.Where(a => a.Value is null).Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
        return silent.Count == 0 ? "" : "; no metrics from " + string.Join(", ", silent);
    }
}
