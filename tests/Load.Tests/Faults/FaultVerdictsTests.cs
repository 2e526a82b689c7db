using Platform.Contracts.Problems;
using Platform.Load.Faults;
using Platform.Load.Traffic;

namespace Platform.Load.Tests.Faults;

/// <summary>
/// The verdicts that decide a fault scenario, on made-up runs: each passes on a run that behaved and
/// fails on one that did not, so none of them can pass whatever happens.
/// </summary>
public sealed class FaultVerdictsTests
{
    private const double Second = 1000;

    private static RequestRecord Ok(double atMs, string replica = "api-1", double latencyMs = 5) =>
        new(atMs, latencyMs, "GET /api/v1/reservations/{code}", "load", 200, null, replica, false);

    private static RequestRecord Failed(double atMs, int status, string? type = null, bool retryAfter = false, double latencyMs = 5) =>
        new(atMs, latencyMs, "POST /api/v1/reservations", "load", status, type, null, true, retryAfter);

    /// <summary>Ten requests a second for <paramref name="seconds"/> seconds, round robin over <paramref name="replicas"/>.</summary>
    private static List<RequestRecord> Steady(int seconds, params string[] replicas) =>
        Enumerable.Range(0, seconds * 10).Select(i => Ok(i * 100.0, replicas[i % replicas.Length])).ToList();

    [Fact]
    public void Kill_replica_passes_once_five_quiet_seconds_avoid_the_killed_replica_and_reports_when()
    {
        var records = Steady(10, "api-1", "api-2", "api-3")
            .Concat(Enumerable.Range(100, 30).Select(i => Ok(i * 100.0, i < 110 ? "api-2" : "api-1")))
            .Append(Failed(10_500, 502, ProblemTypes.UpstreamError))
            .Concat(Enumerable.Range(130, 70).Select(i => Ok(i * 100.0, i % 2 == 0 ? "api-1" : "api-3")))
            .ToList();

        var verdict = FaultVerdicts.KillReplica(records, killMs: 10 * Second, "api-2", durationMs: 20 * Second);

        Assert.True(verdict.Passed, verdict.Detail);
        Assert.Contains("1 client-visible failures", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("502 upstream-error ×1", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("rebalanced 1.0 s after the kill", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Kill_replica_fails_when_the_killed_replica_keeps_answering_or_failures_never_stop()
    {
        var stillServed = FaultVerdicts.KillReplica(Steady(20, "api-1", "api-2"), 10 * Second, "api-2", 20 * Second);
        var failing = Steady(10, "api-1").Concat(Enumerable.Range(100, 100).Select(i => Failed(i * 100.0, 502))).ToList();
        var neverRecovered = FaultVerdicts.KillReplica(failing, 10 * Second, "api-2", 20 * Second);

        Assert.False(stillServed.Passed, stillServed.Detail);
        Assert.False(neverRecovered.Passed, neverRecovered.Detail);
        Assert.Contains("not rebalanced", neverRecovered.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, ProblemTypes.TemporaryReducedCapacity, "POST /api/v1/reservations", 10_500)] // not the kill's to excuse
    [InlineData(502, ProblemTypes.UpstreamError, "GET /api/v1/reservations/{code}", 10_500)] // a read is retried, never lost
    [InlineData(502, ProblemTypes.UpstreamError, "POST /api/v1/reservations (Idempotency-Key)", 10_500)] // so is a keyed create
    [InlineData(502, ProblemTypes.UpstreamError, "POST /api/v1/reservations", 2_000)] // long before the kill
    public void Kill_replica_fails_on_any_failure_but_an_unkeyed_creates_502_in_flight_at_the_kill(int status, string type, string endpoint, double atMs)
    {
        var records = Steady(10, "api-1", "api-2", "api-3")
            .Append(new RequestRecord(atMs, 5, endpoint, "load", status, type, null, true))
            .Concat(Enumerable.Range(100, 100).Select(i => Ok(i * 100.0, i % 2 == 0 ? "api-1" : "api-3")))
            .ToList();

        var verdict = FaultVerdicts.KillReplica(records, killMs: 10 * Second, "api-2", durationMs: 20 * Second);

        Assert.False(verdict.Passed, verdict.Detail);
        Assert.Contains("1 other than an unkeyed create's 502", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_mariadb_passes_on_fast_503s_with_retry_after_and_a_recovery()
    {
        var records = Steady(30, "api-1")
            .Where(r => r.ScheduledMs is < 10_000 or >= 20_000)
            .Concat(Enumerable.Range(100, 100).Select(i => Failed(i * 100.0, 503, ProblemTypes.DatabaseUnavailable, retryAfter: true, latencyMs: 12)))
            .ToList();

        var verdict = FaultVerdicts.StopMariaDb(records, termMs: 10 * Second, restartMs: 20 * Second, durationMs: 30 * Second);

        Assert.True(verdict.Passed, verdict.Detail);
        Assert.Contains("100 failures were 503 with Retry-After within 3500.0 ms (p99 latency 12", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("recovery (restart to the first 10 s without failures): 0.0 s", verdict.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, false)]
    [InlineData(0, false)]
    public void Stop_mariadb_fails_on_a_failure_that_is_not_a_503_with_retry_after(int status, bool retryAfter)
    {
        var records = Steady(30, "api-1").Append(Failed(15_000, status, retryAfter: retryAfter)).ToList();

        var verdict = FaultVerdicts.StopMariaDb(records, 10 * Second, 20 * Second, 30 * Second);

        Assert.False(verdict.Passed, verdict.Detail);
        Assert.Contains("1 were not", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_mariadb_fails_on_a_503_that_kept_its_client_waiting_past_the_ceiling()
    {
        var records = Steady(30, "api-1").Append(Failed(15_000, 503, ProblemTypes.DatabaseUnavailable, retryAfter: true, latencyMs: 3_600)).ToList();

        var verdict = FaultVerdicts.StopMariaDb(records, 10 * Second, 20 * Second, 30 * Second);

        Assert.False(verdict.Passed, verdict.Detail);
        Assert.Contains("within 3500.0 ms", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("1 were not (503 database-unavailable ×1)", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_mariadb_fails_when_failures_go_on_after_the_restart()
    {
        var records = Steady(30, "api-1").Concat(Enumerable.Range(0, 10).Select(i => Failed(21_500 + i * Second, 503, retryAfter: true))).ToList();

        var verdict = FaultVerdicts.StopMariaDb(records, 10 * Second, 20 * Second, 30 * Second);

        Assert.False(verdict.Passed, verdict.Detail);
        Assert.Contains("not within the run", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_redis_passes_when_nothing_fails_and_the_backlog_it_built_drains()
    {
        // Backlog 0 before the stop at 10 s, growing to 40 until the restart at 20 s, empty at 23 s.
        var backlog = Enumerable.Range(0, 30).Select(i => new BacklogSample(i * Second, i switch { < 10 => 0, < 20 => (i - 9) * 4, < 23 => 40 - (i - 19) * 12, _ => 0 })).ToList();

        var passed = FaultVerdicts.StopRedis(Steady(30, "api-1"), 10 * Second, 20 * Second, backlog);
        var failed = FaultVerdicts.StopRedis(Steady(30, "api-1").Append(Failed(12_000, 503)).ToList(), 10 * Second, 20 * Second, backlog);
        var nothingHeld = FaultVerdicts.StopRedis(Steady(30, "api-1"), 10 * Second, 20 * Second, backlog.Select(b => b with { Backlog = 0 }).ToList());
        var neverDrained = FaultVerdicts.StopRedis(Steady(30, "api-1"), 10 * Second, 20 * Second, backlog.Select(b => b with { Backlog = Math.Max(1, b.Backlog) }).ToList());

        Assert.True(passed.Passed, passed.Detail);
        Assert.Contains("outbox backlog peaked at 40 events while Redis was down, empty again 3.0 s after the restart", passed.Detail, StringComparison.Ordinal);
        Assert.False(failed.Passed, failed.Detail);
        Assert.False(nothingHeld.Passed, nothingHeld.Detail);
        Assert.Contains("proved nothing", nothingHeld.Detail, StringComparison.Ordinal);
        Assert.False(neverDrained.Passed, neverDrained.Detail);
        Assert.Contains("not empty again", neverDrained.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Pool_exhaustion_needs_the_pool_run_out_and_allows_201_409_and_503_within_the_pool_timeout_and_nothing_else()
    {
        RequestRecord Answer(int status, double latencyMs, string? type = null) => new(0, latencyMs, "POST /api/v1/reservations", "load", status, type, "api-1", status == 503);
        var good = new[] { Answer(201, 900), Answer(409, 40), Answer(503, FaultVerdicts.PoolTimeoutMs + 500) };
        PoolSample[] ranOut = [new(0, "api-1", 3, 30, 0, 2), new(500, "api-1", 30, 30, 12, 5), new(0, "api-2", 10, 30, 0, 0)];
        PoolSample[] plenty = [new(0, "api-1", 3, 30, 0, 0), new(500, "api-1", 29, 30, 0, 0)];

        var passed = FaultVerdicts.PoolExhaustion(good, ranOut);
        var neverExhausted = FaultVerdicts.PoolExhaustion(good, plenty);
        var unread = FaultVerdicts.PoolExhaustion(good, [new PoolSample(0, "api-1", null, null, null, null)]);
        var with500 = FaultVerdicts.PoolExhaustion([.. good, Answer(500, 10)], ranOut);
        var slow503 = FaultVerdicts.PoolExhaustion([.. good, Answer(503, FaultVerdicts.PoolTimeoutMs + FaultVerdicts.PoolMarginMs + 1)], ranOut);
        var noAnswer = FaultVerdicts.PoolExhaustion([.. good, Answer(0, 30_000)], ranOut);

        Assert.True(passed.Passed, passed.Detail);
        Assert.Contains("pool exhausted (peaks api-1 30/30 used, 12 waiting, 3 timeouts; api-2 10/30 used, 0 waiting, 0 timeouts)", passed.Detail, StringComparison.Ordinal);
        Assert.Contains("201: 1, 409: 1, 503: 1", passed.Detail, StringComparison.Ordinal);
        Assert.False(neverExhausted.Passed, neverExhausted.Detail);
        Assert.Contains("never exhausted", neverExhausted.Detail, StringComparison.Ordinal);
        Assert.False(unread.Passed, unread.Detail);
        Assert.False(with500.Passed, with500.Detail);
        Assert.False(slow503.Passed, slow503.Detail);
        Assert.Contains("1 503s slower than", slow503.Detail, StringComparison.Ordinal);
        Assert.False(noAnswer.Passed, noAnswer.Detail);

        // The writers' share full is the limit reached too: creates shed at once, the pool never ran out.
        var shedAtOnce = FaultVerdicts.PoolExhaustion([.. good, Answer(503, 3, ProblemTypes.TemporaryReducedCapacity)], plenty);
        Assert.True(shedAtOnce.Passed, shedAtOnce.Detail);
        Assert.Contains("writers' share full", shedAtOnce.Detail, StringComparison.Ordinal);
        Assert.Contains("proved nothing", FaultVerdicts.PoolExhaustion([.. good, Answer(503, 3, ProblemTypes.DatabaseUnavailable)], plenty).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_sample_reads_one_replicas_request_pool_from_its_metrics_page()
    {
        const string Page = """
            # TYPE mysqlconnector_db_client_connections_usage gauge
            mysqlconnector_db_client_connections_usage{pool_name="api-1",state="idle"} 2
            mysqlconnector_db_client_connections_usage{pool_name="api-1",state="used"} 28
            mysqlconnector_db_client_connections_usage{pool_name="api-1-background",state="used"} 1
            mysqlconnector_db_client_connections_max{pool_name="api-1"} 30
            mysqlconnector_db_client_connections_max{pool_name="api-1-background"} 2
            mysqlconnector_db_client_connections_pending_requests{pool_name="api-1"} 7
            mysqlconnector_db_client_connections_timeouts{pool_name="api-1"} 4
            """;

        var sample = PoolSampler.Parse(1500, "api-1", Page);
        var unanswered = PoolSampler.Parse(1500, "api-1", null);

        Assert.Equal(new PoolSample(1500, "api-1", 28, 30, 7, 4), sample);
        Assert.True(sample.Exhausted);
        Assert.False((sample with { Pending = 0 }).Exhausted);
        Assert.True((sample with { Used = 30, Pending = 0 }).Exhausted);
        Assert.Equal(new PoolSample(1500, "api-1", null, null, null, null), unanswered);
        Assert.False(unanswered.Exhausted);
    }

    [Fact]
    public void Calm_clients_hold_while_their_p99_after_the_onset_stays_within_twice_the_p99_before()
    {
        // 10 requests a second for 30 s at 10 ms; the disturbance runs from 10 s to 20 s, its onset to 15 s.
        List<RequestRecord> Calm(double steadyMs, double onsetMs = 10) => Enumerable.Range(0, 300)
            .Select(i => Ok(i * 100.0, latencyMs: i switch { >= 100 and < 150 => onsetMs, >= 150 and < 200 => steadyMs, _ => 10 })).ToList();

        var held = FaultVerdicts.CalmHolds("calm", Calm(20), 10 * Second, 20 * Second);
        var slowed = FaultVerdicts.CalmHolds("calm", Calm(21), 10 * Second, 20 * Second);
        var onsetSpike = FaultVerdicts.CalmHolds("calm", Calm(20, onsetMs: FaultVerdicts.CalmCeilingMs), 10 * Second, 20 * Second);
        var onsetTooSlow = FaultVerdicts.CalmHolds("calm", Calm(20, onsetMs: FaultVerdicts.CalmCeilingMs + 1), 10 * Second, 20 * Second);
        var oneFailure = FaultVerdicts.CalmHolds("calm", [.. Calm(10), Failed(15_000, 429, ProblemTypes.QuotaExceeded)], 10 * Second, 20 * Second);
        var nothingBefore = FaultVerdicts.CalmHolds("calm", Calm(10).Where(r => r.ScheduledMs >= 10_000).ToList(), 10 * Second, 20 * Second);

        Assert.True(held.Passed, held.Detail);
        Assert.Contains("p99 10.0 ms before, 20.0 ms during after its first 5 s", held.Detail, StringComparison.Ordinal);
        Assert.False(slowed.Passed, slowed.Detail);
        Assert.True(onsetSpike.Passed, onsetSpike.Detail);
        Assert.Contains("onset p99 1000.0 ms", onsetSpike.Detail, StringComparison.Ordinal);
        Assert.False(onsetTooSlow.Passed, onsetTooSlow.Detail);
        Assert.False(oneFailure.Passed, oneFailure.Detail);
        Assert.False(nothingBefore.Passed, nothingBefore.Detail);
    }
}
