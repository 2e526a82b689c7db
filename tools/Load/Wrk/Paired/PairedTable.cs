using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Paired;

/// <summary>
/// The paired bench's result: per workload and metric, the median over the rounds of each side's BENCH
/// lines and the B/A ratio, as the Markdown table BENCHMARKS.md records (the same columns and number forms
/// the bash script printed, so old and new records compare).
/// </summary>
public static class PairedTable
{
    /// <summary>The BENCH fields the table shows, in its order; cpu_us is the one the bench adds.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["rps", "p50_ms", "p99_ms", "cpu_us", "non2xx"];

    private static readonly int[] Sides = [0, 1];

    /// <summary>
    /// The median of <paramref name="values"/> (BENCH fields as printed): an odd count gives the middle value
    /// as printed, an even one the mean of the middle two in awk's %.6g form; empty without values.
    /// </summary>
    public static string Median(IReadOnlyList<string> values)
    {
        var sorted = values
            .Select(text => (Text: text, Value: double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0))
            .OrderBy(sample => sample.Value)
            .ToList();
        if (sorted.Count == 0)
            return "";
        if (sorted.Count % 2 == 1)
            return sorted[sorted.Count / 2].Text;
        var mean = (sorted[(sorted.Count / 2) - 1].Value + sorted[sorted.Count / 2].Value) / 2;
        return mean.ToString("G6", CultureInfo.InvariantCulture);
    }

    /// <summary>b / a to two decimals, or "-" when a is not above 0.</summary>
    public static string Ratio(string a, string b)
    {
        var x = double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var av) ? av : 0;
        var y = double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var bv) ? bv : 0;
        return x > 0 ? (y / x).ToString("F2", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>
    /// The table for <paramref name="samples"/>: per workload, side 0 (A) and side 1 (B)'s BENCH lines,
    /// then the line saying what the medians are of.
    /// </summary>
    public static string Render(PairedArguments run, IReadOnlyDictionary<(string Workload, int Side), List<BenchLine>> samples, DateTimeOffset finished)
    {
        var (a, b) = (run.Labels[0], run.Labels[1]);
        var table = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"\n| workload | metric | {a} | {b} | {b} / {a} |\n| --- | --- | ---: | ---: | ---: |\n");
        foreach (var workload in run.Workloads)
        {
            foreach (var metric in Metrics)
            {
                var medians = Sides
                    .Select(side => Median(samples.TryGetValue((workload, side), out var lines) ? [.. lines.Select(line => line.Field(metric)).OfType<string>()] : []))
                    .ToArray();
                table.Append(CultureInfo.InvariantCulture, $"| {workload} | {metric} | {medians[0]} | {medians[1]} | {Ratio(medians[0], medians[1])} |\n");
            }
        }
        return table.Append(CultureInfo.InvariantCulture,
            $"\nMedians of {run.Rounds} rounds, wrk -t1 -c{run.Connections} -d{run.Duration}s (after {run.Warmup}s of warm-up), "
            + $"{finished.UtcDateTime:yyyy-MM-ddTHH:mm}Z; CPU = gateway + replicas + MariaDB per request.\n").ToString();
    }
}
