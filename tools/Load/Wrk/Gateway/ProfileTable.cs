using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// Under BENCH_PROFILE, where each configuration's CPU per request goes: each part of tools/Bench/flamegraph.py
/// (its own samples, so every sample counts once) as a share of the profiled run's CPU per request, in µs,
/// one column per configuration, so the difference between two ladder steps is read part by part.
/// </summary>
public static class ProfileTable
{
    /// <summary>One profiled run: its CPU per request and each part's share of its samples (0-1).</summary>
    public sealed record Run(double CpuUs, IReadOnlyDictionary<string, double> Shares);

    /// <summary>The parts file flamegraph.py writes with --parts: "part TAB own TAB inclusive" lines, then "total".</summary>
    public static IReadOnlyDictionary<string, double> ReadShares(string partsTsv)
    {
        var rows = partsTsv.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length >= 2 && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(fields => fields[0], fields => double.Parse(fields[1], CultureInfo.InvariantCulture));
        var total = rows.GetValueOrDefault("total");
        return total > 0
            ? rows.Where(row => row.Key != "total").ToDictionary(row => row.Key, row => row.Value / total)
            : new Dictionary<string, double>();
    }

    /// <summary>The table, parts by their largest cost in any configuration; empty when nothing was profiled.</summary>
    public static string Render(IReadOnlyList<string> configs, IReadOnlyDictionary<string, List<Run>> profiles)
    {
        var columns = configs.Distinct().Where(config => profiles.TryGetValue(config, out var runs) && runs.Count > 0).ToList();
        if (columns.Count == 0)
            return "";
        // A part's µs per request in a configuration: the mean over its profiled rounds.
        double Cost(string config, string part) => profiles[config].Average(run => run.Shares.GetValueOrDefault(part) * run.CpuUs);
        var parts = columns.SelectMany(config => profiles[config].SelectMany(run => run.Shares.Keys)).Distinct()
            .OrderByDescending(part => columns.Max(config => Cost(config, part))).ToList();
        var table = new StringBuilder("\nWhere the CPU per request goes (µs, perf's own samples of each part × the profiled run's CPU per request):\n\n")
            .Append("| part | ").Append(string.Join(" | ", columns)).Append(" |\n")
            .Append("| --- |").Append(string.Concat(columns.Select(_ => " ---: |"))).Append('\n');
        foreach (var part in parts)
            table.Append("| ").Append(part).Append(" | ").Append(string.Join(" | ", columns.Select(config => Cost(config, part).ToString("F1", CultureInfo.InvariantCulture)))).Append(" |\n");
        table.Append("| **all** | ").Append(string.Join(" | ", columns.Select(config =>
            profiles[config].Average(run => run.CpuUs).ToString("F1", CultureInfo.InvariantCulture)))).Append(" |\n");
        return table.ToString();
    }
}
