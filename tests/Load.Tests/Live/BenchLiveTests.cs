using System.Globalization;

namespace Platform.Load.Tests.Live;

/// <summary>
/// <c>./platform bench</c> for real, at a tenth of the length, against one throwaway platform: the
/// short baseline, two fault scenarios and the three slow faults, each with its verdicts and a passed
/// audit (a run that lost a reservation or an event exits 1 and fails here). The slow faults pass only
/// once requests carry deadlines (docs/deadlines.md): before that, requests wait for the frozen replica
/// or the locked database, past the 3.5 s ceiling.
/// </summary>
public sealed class BenchLiveTests(BenchPlatform platform) : IClassFixture<BenchPlatform>
{
    /// <summary>api-2's line in <c>./platform status</c> while it runs and answers its health check.</summary>
    private const string Api2Answers = @"(?m)^api-2 +\d+ +\d+ +running +HTTP 200";

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
        Assert.Matches(Api2Answers, await platform.StatusAsync());
    }

    [Fact]
    public async Task Freezing_a_replica_fails_no_safe_request_and_no_request_waits_past_its_deadline()
    {
        var report = await RunThawedAsync("fault-freeze-replica");

        AssertPassed(report, "Fault: freeze a replica, GETs", "Fault: freeze a replica, creates with Idempotency-Key", "Fault: freeze a replica, creates without a key");
        Assert.Contains("- Time to eject: ", report, StringComparison.Ordinal);
        Assert.Contains("- Shed: ", report, StringComparison.Ordinal);
    }

    /// <summary>The p99 ratio is the full run's verdict (speed belongs to <c>./platform bench</c>); the short run judges failures and the ceiling.</summary>
    [Fact]
    public async Task A_replica_stopped_most_of_the_time_fails_no_GET_delays_none_past_the_ceiling_and_is_ejected()
    {
        var report = await RunThawedAsync("fault-slow-replica");

        AssertPassed(report, "Fault: slow replica, GETs");
        Assert.DoesNotContain("Fault: slow replica, GET p99", report, StringComparison.Ordinal);
        Assert.Contains("- Time to eject: api-2 out of rotation", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_under_a_global_read_lock_costs_only_fast_refused_creates_and_creates_succeed_soon_after_it()
    {
        var report = await platform.RunShortAsync("fault-stall-database");

        AssertPassed(report, "Fault: stall the database, creates", "Fault: stall the database, reads", "Fault: stall the database, creates recover");
        Assert.Contains("global read lock released", report, StringComparison.Ordinal);
    }

    /// <summary>Runs a scenario that freezes api-2; whatever its verdicts, api-2 must be thawed after it: it answers its health check again.</summary>
    private async Task<string> RunThawedAsync(string scenario)
    {
        try
        {
            return await platform.RunShortAsync(scenario);
        }
        finally
        {
            Assert.Matches(Api2Answers, await platform.StatusAsync());
        }
    }

    private static void AssertPassed(string report, params string[] verdicts)
    {
        foreach (var verdict in verdicts)
            Assert.Contains($"**{verdict}: PASSED**", report, StringComparison.Ordinal);
    }
}
