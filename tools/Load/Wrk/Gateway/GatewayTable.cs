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
    /// YARP floor, and what the step's feature added over the step before (the floor, for the first); with
    /// the fixed-rate rows of a run at BENCH_RATE, the same CPU figures at that rate beside them.
    /// </summary>
    public static string Ladder(IReadOnlyList<string> configs, IReadOnlyDictionary<string, Row> rows,
        IReadOnlyDictionary<string, Row>? fixedRows = null, int rate = 0)
    {
        const string floor = GatewayArguments.YarpFloor;
        var steps = configs.Where(config => GatewayArguments.LadderStep(config) >= 0 && rows.ContainsKey(config))
            .OrderBy(GatewayArguments.LadderStep).ToList();
        if (steps.Count == 0 || !rows.TryGetValue(floor, out var floorRow))
            return "";
        var atRate = fixedRows is not null && fixedRows.ContainsKey(floor) && steps.All(fixedRows.ContainsKey) ? fixedRows : null;
        var r = rate.ToString(CultureInfo.InvariantCulture);
        var table = new StringBuilder("\n| step | CPU µs/req | CPU / floor | added µs/req | req/s / floor |")
            .Append(atRate is null ? "" : $" CPU µs/req at {r}/s | CPU / floor at {r}/s | added µs/req at {r}/s |")
            .Append("\n| --- | ---: | ---: | ---: | ---: |").Append(atRate is null ? "" : " ---: | ---: | ---: |")
            .Append(CultureInfo.InvariantCulture, $"\n| {floor} | {floorRow.Cpu} | 1.00 | - | 1.00 |")
            .Append(atRate is null ? "" : $" {atRate[floor].Cpu} | 1.00 | - |")
            .Append('\n');
        var before = floor;
        foreach (var step in steps)
        {
            table.Append(CultureInfo.InvariantCulture,
                $"| {step} | {rows[step].Cpu} | {Ratio(rows, step, floor, 4)} | {Added(rows, step, before)} | {Ratio(rows, step, floor)} |");
            if (atRate is not null)
                table.Append(CultureInfo.InvariantCulture, $" {atRate[step].Cpu} | {Ratio(atRate, step, floor, 4)} | {Added(atRate, step, before)} |");
            table.Append('\n');
            before = step;
        }

        return table.ToString();
    }

    // What a step's row adds to the CPU per request of the row before it.
    private static string Added(IReadOnlyDictionary<string, Row> rows, string step, string before) =>
        (rows[step].Value(4) - rows[before].Value(4)).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every configuration at the fixed offered rate of BENCH_RATE (hey): what it served, its latency and
    /// its CPU per request, against the YARP floor's and nginx's at the same rate; empty without such rows.
    /// </summary>
    public static string FixedRate(IReadOnlyList<string> configs, IReadOnlyDictionary<string, Row> fixedRows, int rate)
    {
        if (rate <= 0 || fixedRows.Count == 0)
            return "";
        var table = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"\nAt a fixed offered rate of {rate} req/s (hey, the same connections):\n\n")
            .Append("| configuration | served req/s | p50 ms | p99 ms | proxy CPU µs/req | CPU / yarp-floor | CPU / nginx | non-2xx | errors |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var config in configs.Distinct().Where(fixedRows.ContainsKey))
        {
            var row = fixedRows[config];
            table.Append(CultureInfo.InvariantCulture,
                $"| {config} | {row.Rps} | {row.P50} | {row.P99} | {row.Cpu} | {Ratio(fixedRows, config, GatewayArguments.YarpFloor, 4)} | {Ratio(fixedRows, config, GatewayArguments.Nginx, 4)} | {row.Non2xx} | {row.Errors} |\n");
        }

        return table.ToString();
    }

    public static string Render(IReadOnlyList<string> configs, IReadOnlyDictionary<string, Row> rows, int rounds,
        int rate = 0, IReadOnlyDictionary<string, Row>? fixedRows = null)
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
            .Append(Ladder(configs, rows, fixedRows, rate))
            .Append(FixedRate(configs, fixedRows ?? new Dictionary<string, Row>(), rate))
            .Append(CultureInfo.InvariantCulture,
                $"\n(medians of {rounds} round(s); \"proxy CPU\" is the CPU time of the gateway, the floor or nginx processes, or of replica 1 for direct, per request)\n");
        return table.ToString();
    }
}
