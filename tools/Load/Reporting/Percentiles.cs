namespace Platform.Load.Reporting;

/// <summary>
/// Exact percentiles by the nearest-rank method: the p-th percentile of n sorted values is the value at
/// rank ⌈p/100 · n⌉ (1-based). No interpolation, no histogram buckets.
/// </summary>
public static class Percentiles
{
    /// <param name="sorted">Ascending values.</param>
    public static double NearestRank(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (sorted.Count == 0)
            return double.NaN;
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    /// <summary>p50, p95 and p99 of unsorted values.</summary>
    public static (double P50, double P95, double P99) Of(IEnumerable<double> values)
    {
        var sorted = values.ToList();
        sorted.Sort();
        return (NearestRank(sorted, 50), NearestRank(sorted, 95), NearestRank(sorted, 99));
    }
}
