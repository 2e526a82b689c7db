using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// The gateway bench's tables: per configuration the medians of its rounds (non-2xx and errors summed,
/// since any is a fault of the run; every round's statuses), then the req/s and CPU ratios, in the columns
/// and number forms the bash script printed so BENCHMARKS.md's records compare.
/// </summary>
public static class GatewayTable
{
    /// <summary>One configuration's row over its rounds.</summary>
    public sealed record Row(string Rps, string P50, string P99, string Cpu, long Non2xx, string Statuses, long Errors, string Allocated)
    {
        public double Value(int column) => double.Parse(column == 1 ? Rps : Cpu, CultureInfo.InvariantCulture);
    }

    public static Row Summarise(IReadOnlyList<GatewaySample> rounds) => new(
        Number(Median(rounds.Select(r => r.Rps))), Number(Median(rounds.Select(r => r.P50))), Number(Median(rounds.Select(r => r.P99))),
        Number(Median(rounds.Select(r => r.CpuUs))), rounds.Sum(r => r.Non2xx), string.Join(',', rounds.Select(r => r.Statuses)),
        rounds.Sum(r => r.Errors), rounds[0].Allocated is null ? "-" : Number(Median(rounds.Select(r => r.Allocated ?? 0))));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>A number as awk prints it: whole numbers as such, others in %.6g.</summary>
    public static string Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>a's value over b's in that column (1: req/s, 4: CPU per request); "-" when either did not run.</summary>
    public static string Ratio(IReadOnlyDictionary<string, Row> rows, string a, string b, int column = 1)
    {
        if (!rows.TryGetValue(a, out var x) || !rows.TryGetValue(b, out var y))
            return "-";
        var below = y.Value(column);
        return (below > 0 ? x.Value(column) / below : 0).ToString("F2", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The ladder's table, when the run had its steps: each step's CPU per request and req/s against the
    /// YARP floor, and what the step's feature added over the step before (the floor, for the first).
    /// </summary>
    public static string Ladder(IReadOnlyList<string> configs, IReadOnlyDictionary<string, Row> rows)
    {
        const string floor = GatewayArguments.YarpFloor;
        var steps = configs.Where(config => GatewayArguments.LadderStep(config) >= 0 && rows.ContainsKey(config))
            .OrderBy(GatewayArguments.LadderStep).ToList();
        if (steps.Count == 0 || !rows.TryGetValue(floor, out var floorRow))
            return "";
        var table = new StringBuilder("\n| step | CPU µs/req | CPU / floor | added µs/req | req/s / floor |\n| --- | ---: | ---: | ---: | ---: |\n")
            .Append(CultureInfo.InvariantCulture, $"| {floor} | {floorRow.Cpu} | 1.00 | - | 1.00 |\n");
        var before = floorRow;
        foreach (var step in steps)
        {
            var row = rows[step];
            var added = (row.Value(4) - before.Value(4)).ToString("F1", CultureInfo.InvariantCulture);
            table.Append(CultureInfo.InvariantCulture,
                $"| {step} | {row.Cpu} | {Ratio(rows, step, floor, 4)} | {added} | {Ratio(rows, step, floor)} |\n");
            before = row;
        }

        return table.ToString();
    }

    public static string Render(IReadOnlyList<string> configs, IReadOnlyDictionary<string, Row> rows, int rounds)
    {
        var table = new StringBuilder("\n| configuration | req/s | p50 ms | p99 ms | proxy CPU µs/req | allocated B/req | non-2xx | statuses | socket errors/timeouts |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        foreach (var config in configs.Distinct())
        {
            if (rows.TryGetValue(config, out var r))
                table.Append(CultureInfo.InvariantCulture, $"| {config} | {r.Rps} | {r.P50} | {r.P99} | {r.Cpu} | {r.Allocated} | {r.Non2xx} | {r.Statuses} | {r.Errors} |\n");
        }
        string R(string a, string b, int column = 1) => Ratio(rows, a, b, column);
        const string on = GatewayArguments.GatewayOn, off = GatewayArguments.GatewayOff, nginx = GatewayArguments.Nginx,
            floor = GatewayArguments.YarpFloor, baseline = GatewayArguments.GatewayBaseline, direct = GatewayArguments.Direct;
        table.Append("\n| req/s | gateway-on / gateway-off | gateway-on / nginx | gateway-off / nginx | yarp-floor / nginx | gateway-on / yarp-floor | gateway-on / gateway-baseline | gateway-on / direct | nginx / direct |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
            .Append(CultureInfo.InvariantCulture,
                $"| ratio | {R(on, off)} | {R(on, nginx)} | {R(off, nginx)} | {R(floor, nginx)} | {R(on, floor)} | {R(on, baseline)} | {R(on, direct)} | {R(nginx, direct)} |\n")
            .Append("\n| proxy CPU per request | gateway-on / nginx | gateway-off / nginx | yarp-floor / nginx | gateway-on / yarp-floor | gateway-on / gateway-baseline |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: |\n")
            .Append(CultureInfo.InvariantCulture,
                $"| ratio | {R(on, nginx, 4)} | {R(off, nginx, 4)} | {R(floor, nginx, 4)} | {R(on, floor, 4)} | {R(on, baseline, 4)} |\n")
            .Append(Ladder(configs, rows))
            .Append(CultureInfo.InvariantCulture,
                $"\n(medians of {rounds} round(s); \"proxy CPU\" is the CPU time of the gateway, the floor or nginx processes, or of replica 1 for direct, per request)\n");
        return table.ToString();
    }
}
