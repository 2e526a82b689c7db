using Platform.Load.Wrk;
using Platform.Load.Wrk.Paired;

namespace Platform.Load.Tests.Wrk;

/// <summary>
/// The paired bench's table from canned BENCH lines: the same columns and number forms as the bash
/// script's, so that BENCHMARKS.md's records and new ones compare.
/// </summary>
public sealed class PairedTableTests
{
    private static BenchLine Line(string rps, string p50, string p99, string cpu, string non2xx) =>
        BenchLine.Parse($"BENCH requests=1000 duration_s=10.000 rps={rps} p50_ms={p50} p95_ms=9.00 p99_ms={p99} max_ms=20.00 non2xx={non2xx} statuses=201:1000 cpu_us={cpu}");

    [Theory]
    [InlineData(new[] { "3.0" }, "3.0")]
    [InlineData(new[] { "900.5", "100.25", "1000.0" }, "900.5")] // odd: the middle value as printed
    [InlineData(new[] { "1000.0", "900.0", "1100.0", "800.0" }, "950")] // even: the mean of the middle two, %.6g
    [InlineData(new[] { "2.31", "2.32" }, "2.315")]
    [InlineData(new[] { "1234.5", "1234.6" }, "1234.55")]
    [InlineData(new[] { "10", "9", "x" }, "9")] // not a number sorts as 0, as sort -g put it first
    [InlineData(new string[0], "")]
    public void Median(string[] values, string expected) => Assert.Equal(expected, PairedTable.Median(values));

    [Theory]
    [InlineData("1000.0", "1030.0", "1.03")]
    [InlineData("2.0", "1.0", "0.50")]
    [InlineData("0", "5", "-")]
    [InlineData("", "5", "-")]
    public void Ratio_is_b_over_a_or_a_dash(string a, string b, string expected) => Assert.Equal(expected, PairedTable.Ratio(a, b));

    [Fact]
    public void The_table_has_a_row_per_workload_and_metric_with_the_medians_and_the_ratio()
    {
        var run = new PairedArguments(["/a", "/b"], Rounds: 3, Duration: 10, Warmup: 5, Connections: 16, ["create"], ["before", "after"]);
        var samples = new Dictionary<(string, int), List<BenchLine>>
        {
            [("create", 0)] = [Line("1000.0", "10.00", "30.00", "800.0", "0"), Line("1100.0", "9.00", "28.00", "780.0", "0"), Line("900.0", "11.00", "33.00", "820.0", "2")],
            [("create", 1)] = [Line("1030.0", "9.50", "29.00", "790.0", "0"), Line("1050.0", "9.40", "27.00", "770.0", "0"), Line("1010.0", "9.90", "31.00", "810.0", "0")],
        };

        var table = PairedTable.Render(run, samples, new DateTimeOffset(2026, 12, 6, 23, 45, 12, TimeSpan.Zero));

        Assert.Equal(
            """

            | workload | metric | before | after | after / before |
            | --- | --- | ---: | ---: | ---: |
            | create | rps | 1000.0 | 1030.0 | 1.03 |
            | create | p50_ms | 10.00 | 9.50 | 0.95 |
            | create | p99_ms | 30.00 | 29.00 | 0.97 |
            | create | cpu_us | 800.0 | 790.0 | 0.99 |
            | create | non2xx | 0 | 0 | - |

            Medians of 3 rounds, wrk -t1 -c16 -d10s (after 5s of warm-up), 2026-12-06T23:45Z; CPU = gateway + replicas + MariaDB per request.

            """.ReplaceLineEndings("\n"),
            table);
    }

    [Fact]
    public void The_rounds_alternate_which_platform_goes_first()
    {
        Assert.Equal([0, 1], PairedBench.Order(1));
        Assert.Equal([1, 0], PairedBench.Order(2));
        Assert.Equal([0, 1], PairedBench.Order(3));
    }
}
