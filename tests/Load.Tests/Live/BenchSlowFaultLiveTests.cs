namespace Platform.Load.Tests.Live;

/// <summary>
/// The three slow faults of <c>./platform bench</c>, short, against a throwaway platform of their own
/// (run beside <see cref="BenchLiveTests"/>): each with its verdicts and a passed audit. They pass only
/// once requests carry deadlines (docs/deadlines.md): before that, requests wait for the frozen replica
/// or the locked database, past the 3.5 s ceiling.
/// </summary>
public sealed class BenchSlowFaultLiveTests(BenchPlatform platform) : IClassFixture<BenchPlatform>
{
    [Fact]
    public async Task Freezing_a_replica_fails_no_safe_request_and_no_request_waits_past_its_deadline()
    {
        var report = await RunThawedAsync("fault-freeze-replica");

        BenchPlatform.AssertPassed(report, "Fault: freeze a replica, GETs", "Fault: freeze a replica, creates with Idempotency-Key", "Fault: freeze a replica, creates without a key");
        Assert.Contains("- Time to eject: ", report, StringComparison.Ordinal);
        Assert.Contains("- Shed: ", report, StringComparison.Ordinal);
    }

    /// <summary>The p99 ratio is the full run's verdict (speed belongs to <c>./platform bench</c>); the short run judges failures and the ceiling.</summary>
    [Fact]
    public async Task A_replica_stopped_most_of_the_time_fails_no_GET_delays_none_past_the_ceiling_and_is_ejected()
    {
        var report = await RunThawedAsync("fault-slow-replica");

        BenchPlatform.AssertPassed(report, "Fault: slow replica, GETs");
        Assert.DoesNotContain("Fault: slow replica, GET p99", report, StringComparison.Ordinal);
        Assert.Contains("- Time to eject: api-2 out of rotation", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_under_a_global_read_lock_costs_only_fast_refused_creates_and_creates_succeed_soon_after_it()
    {
        var report = await platform.RunShortAsync("fault-stall-database");

        BenchPlatform.AssertPassed(report, "Fault: stall the database, creates", "Fault: stall the database, reads", "Fault: stall the database, creates recover");
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
            Assert.Matches(BenchPlatform.Api2Answers, await platform.StatusAsync());
        }
    }
}
