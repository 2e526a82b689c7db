using System.Globalization;

namespace Platform.Load.Tests.Live;

/// <summary>
/// <c>./platform bench</c> for real, at a tenth of the length, against a throwaway platform: the short
/// baseline and two fault scenarios, each with its verdicts and a passed audit (a run that lost a
/// reservation or an event exits 1 and fails here). The slow faults run against a platform of their own
/// (<see cref="BenchSlowFaultLiveTests"/>), beside these: a bench at its short runs' rates leaves most
/// of the machine idle, and the two together take the time of the longer.
/// </summary>
public sealed class BenchLiveTests(BenchPlatform platform) : IClassFixture<BenchPlatform>
{
    [Fact]
    public async Task Baseline_short_writes_a_passing_report_in_the_reports_columns()
    {
        var report = await platform.RunShortAsync("baseline");

        Assert.Contains("| Endpoint | Requests | Failures | Failure rate | p50 | p95 | p99 | Throughput (req/s) |", report, StringComparison.Ordinal);
        var total = report.Split('\n').Single(l => l.StartsWith("| **Total** |", StringComparison.Ordinal));
        Assert.True(int.Parse(total.Split('|')[2].Trim(), CultureInfo.InvariantCulture) > 0, total);
        Assert.Contains("**Failures: PASSED**", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_mariadb_under_load_costs_only_fast_503s_and_the_platform_recovers()
    {
        var report = await platform.RunShortAsync("fault-stop-mariadb");

        Assert.Contains("**Fault: stop MariaDB: PASSED**", report, StringComparison.Ordinal);
        Assert.Contains(" 0 were not (none)", report, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^mariadb +\d+ +\d+ +running +ping ok", await platform.StatusAsync());
    }

    [Fact]
    public async Task Killing_a_replica_under_load_is_rebalanced_and_loses_nothing()
    {
        var report = await platform.RunShortAsync("fault-kill-replica");

        Assert.Contains("**Fault: kill a replica: PASSED**", report, StringComparison.Ordinal);
        Assert.Contains("traffic rebalanced", report, StringComparison.Ordinal);
        // The run ends with `./platform up`, which starts the killed replica again.
        Assert.Matches(BenchPlatform.Api2Answers, await platform.StatusAsync());
    }
}
