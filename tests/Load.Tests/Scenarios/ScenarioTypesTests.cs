using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Scenarios;
using Platform.Load.Scenarios.Faults;
using Platform.Load.Scenarios.SlowFaults;
using Platform.Load.Traffic;

namespace Platform.Load.Tests.Scenarios;

/// <summary>The catalog's scenario objects: which type runs each scenario, and the judgements that need no platform.</summary>
public sealed class ScenarioTypesTests
{
    private static RequestRecord Answer(double atMs, string client = "load", int status = 200, bool failed = false, double latencyMs = 5) =>
        new(atMs, latencyMs, "GET /api/v1/health", client, status, failed ? "internal" : null, "api-1", failed);

    [Theory]
    [InlineData("baseline", typeof(LoadScenario))]
    [InlineData("load-50-users", typeof(LoadScenario))]
    [InlineData("load-100-users", typeof(LoadScenario))]
    [InlineData("sustained-10m", typeof(LoadScenario))]
    [InlineData("spike", typeof(LoadScenario))]
    [InlineData("stress", typeof(StressScenario))]
    [InlineData("endurance", typeof(EnduranceScenario))]
    [InlineData("noisy-neighbour", typeof(NoisyNeighbourScenario))]
    [InlineData("fault-kill-replica", typeof(KillReplicaScenario))]
    [InlineData("fault-stop-mariadb", typeof(StopMariaDbScenario))]
    [InlineData("fault-kill-database-node", typeof(Platform.Load.Scenarios.Cluster.KillDatabaseNodeScenario))]
    [InlineData("fault-restore", typeof(RestoreMariaDbScenario))]
    [InlineData("fault-stop-redis", typeof(StopRedisScenario))]
    [InlineData("fault-pool-exhaustion", typeof(PoolExhaustionScenario))]
    [InlineData("fault-flood", typeof(FloodScenario))]
    [InlineData("fault-hoarding", typeof(HoardingScenario))]
    [InlineData("fault-freeze-replica", typeof(FreezeReplicaScenario))]
    [InlineData("fault-slow-replica", typeof(SlowReplicaScenario))]
    [InlineData("fault-stall-database", typeof(StallDatabaseScenario))]
    [InlineData("back-office", typeof(BackOfficeScenario))]
    [InlineData("back-office-baseline", typeof(BackOfficeScenario))]
    [InlineData("fault-poison-requests", typeof(PoisonRequestsScenario))]
    [InlineData("fault-poison-requests-busy", typeof(PoisonRequestsScenario))]
    public void Every_scenario_is_run_by_its_own_type_short_or_not(string name, Type type)
    {
        Assert.IsType(type, ScenarioCatalog.Find(name, isShort: false));
        Assert.IsType(type, ScenarioCatalog.Find(name, isShort: true));
    }

    [Fact]
    public void The_list_keeps_its_order_and_every_find_is_a_new_object()
    {
        Assert.Equal(
        [
            "baseline", "load-50-users", "load-100-users", "sustained-10m", "spike", "stress", "endurance", "noisy-neighbour",
            "fault-kill-replica", "fault-stop-mariadb", "fault-kill-database-node", "fault-restore", "fault-stop-redis", "fault-pool-exhaustion", "fault-flood",
            "fault-hoarding", "fault-freeze-replica", "fault-slow-replica", "fault-stall-database",
            "back-office", "back-office-baseline", "fault-poison-requests", "fault-poison-requests-busy",
        ], ScenarioCatalog.Names);
        Assert.NotSame(ScenarioCatalog.Find("stress", false), ScenarioCatalog.Find("stress", false));
        Assert.Null(ScenarioCatalog.Find("nope", false));
    }

    [Fact]
    public void Only_the_redis_outage_gives_the_outbox_a_minute_to_catch_up()
    {
        Assert.All(ScenarioCatalog.All(false), s =>
            Assert.Equal(s is StopRedisScenario ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(30), s.OutboxCatchUp));
    }

    [Fact]
    public void A_load_scenario_passes_without_failures_and_fails_with_one()
    {
        var clean = new Report();
        ScenarioCatalog.Find("baseline", false)!.Judge(new RunResult([Answer(0), Answer(100)], 1000), clean);
        var failed = new Report();
        ScenarioCatalog.Find("baseline", false)!.Judge(new RunResult([Answer(0), Answer(100, status: 500, failed: true)], 1000), failed);

        Assert.Equal("- **Failures: PASSED** — 0 failed requests of 2", Assert.Single(clean.Verdicts).Markdown);
        Assert.Equal("- **Failures: FAILED** — 1 failed requests of 2", Assert.Single(failed.Verdicts).Markdown);
    }

    [Fact]
    public void Stress_that_was_never_stopped_held_to_its_peak()
    {
        var report = new Report();
        ScenarioCatalog.Find("stress", false)!.Judge(new RunResult([Answer(0)], 1000), report);

        Assert.Equal("- **Stress break point: PASSED** — held to 200 users", Assert.Single(report.Verdicts).Markdown);
    }

    [Fact]
    public void Noisy_neighbour_judges_the_noisy_client_and_the_calm_ones_with_a_table_each()
    {
        var records = Enumerable.Range(0, 120).Select(i => Answer(i * 1000.0, "calm1"))
            .Concat(Enumerable.Range(30, 90).Select(i => Answer(i * 1000.0, NoisyNeighbourScenario.Noisy, 429)))
            .ToList();
        var report = new Report();

        ScenarioCatalog.Find("noisy-neighbour", false)!.Judge(new RunResult(records, 120_000), report);

        Assert.Equal(["Noisy client limited", "Calm clients hold"], report.Verdicts.Select(v => v.Name));
        Assert.All(report.Verdicts, v => Assert.True(v.Passed, v.Detail));
        Assert.Equal(["Client calm1", "Client noisy"], report.Sections.Select(s => s.Heading));
    }

    [Fact]
    public void A_scenario_that_needs_its_samples_refuses_to_be_judged_unarranged()
    {
        var run = new RunResult([Answer(0)], 1000);

        Assert.Throws<InvalidOperationException>(() => ScenarioCatalog.Find("fault-pool-exhaustion", false)!.Judge(run, new Report()));
        Assert.Throws<InvalidOperationException>(() => ScenarioCatalog.Find("fault-freeze-replica", false)!.Judge(run, new Report()));
    }

    [Fact]
    public void The_flood_drops_its_turns_past_the_flood_but_keeps_requests_the_client_could_not_send()
    {
        var flood = ScenarioCatalog.Find("fault-flood", false)!;
        var pastTheFlood = new RequestRecord(100_000, 0, "(not sent)", FloodScenario.Client, 0, "flood-over", null, false);
        var overloaded = new RequestRecord(100_000, 0, "(not sent)", "calm1", 0, OpenModelDriver.ClientOverloaded, null, true);

        Assert.False(flood.Counts(pastTheFlood));
        Assert.True(flood.Counts(overloaded));
        Assert.True(ScenarioCatalog.Find("baseline", false)!.Counts(pastTheFlood));
    }
}
