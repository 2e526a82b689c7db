using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Load.Faults;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Tests.Faults;

/// <summary>
/// The slow faults' verdicts on made-up runs: each passes on a run that kept under the ceiling with the
/// allowed answers, and fails on one that did not, so none can pass whatever happens.
/// </summary>
public sealed class SlowFaultVerdictsTests
{
    private const double Second = 1000;

    private static RequestRecord Answer(string endpoint, double atMs, int status, double latencyMs = 5, string? type = null) =>
        new(atMs, latencyMs, endpoint, "load", status, type, "api-1", Failed: status != Expected(endpoint));

    private static int Expected(string endpoint) => endpoint is Endpoints.Create or Endpoints.KeyedCreate ? 201 : 200;

    /// <summary>A freeze run that behaved: GETs and keyed creates all answered, creates without a key 201, 409, 503 or 504, all within the ceiling.</summary>
    private static List<RequestRecord> GoodFreeze() =>
    [
        .. Enumerable.Range(0, 100).Select(i => Answer(Endpoints.Health, i * 10, 200, latencyMs: i == 50 ? SlowFaultVerdicts.CeilingMs : 5)),
        .. Enumerable.Range(0, 20).Select(i => Answer(Endpoints.KeyedCreate, i * 50, 201, latencyMs: 40)),
        Answer(Endpoints.Create, 0, 201), Answer(Endpoints.Create, 100, 409, type: ProblemTypes.DatesUnavailable),
        Answer(Endpoints.Create, 200, 503, latencyMs: 2, type: ProblemTypes.TemporaryReducedCapacity), Answer(Endpoints.Create, 300, 504, latencyMs: 3_000, type: ProblemTypes.UpstreamTimeout),
    ];

    [Fact]
    public void Freeze_passes_when_safe_requests_never_fail_creates_without_a_key_answer_as_allowed_and_nothing_passes_the_ceiling()
    {
        var verdicts = SlowFaultVerdicts.FreezeReplica(GoodFreeze());

        Assert.All(verdicts, v => Assert.True(v.Passed, v.Detail));
        Assert.Equal(3, verdicts.Count);
        Assert.Contains("100 requests, answered 200 ×100; 0 failures (none); p99 5.0 ms, max 3500.0 ms, 0 over the 3500.0 ms ceiling", verdicts[0].Detail, StringComparison.Ordinal);
        Assert.Contains("0 answers other than 201, 409, 503, 504 (none)", verdicts[2].Detail, StringComparison.Ordinal);
        Assert.Contains("504 upstream-timeout ×1", verdicts[2].Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Endpoints.Health, 503, 5)]
    [InlineData(Endpoints.Health, 200, SlowFaultVerdicts.CeilingMs + 1)]
    [InlineData(Endpoints.KeyedCreate, 504, 5)]
    [InlineData(Endpoints.KeyedCreate, 201, 20_000)]
    [InlineData(Endpoints.Create, 500, 5)]
    [InlineData(Endpoints.Create, 0, 5)]
    [InlineData(Endpoints.Create, 201, SlowFaultVerdicts.CeilingMs + 1)]
    public void Freeze_fails_on_one_request_answered_wrong_or_past_the_ceiling(string endpoint, int status, double latencyMs)
    {
        var verdicts = SlowFaultVerdicts.FreezeReplica([.. GoodFreeze(), Answer(endpoint, 500, status, latencyMs)]);

        var failed = Assert.Single(verdicts, v => !v.Passed);
        Assert.Contains(endpoint == Endpoints.Health ? "GETs" : endpoint == Endpoints.KeyedCreate ? PlatformHeaders.IdempotencyKey : "without a key", failed.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Freeze_fails_a_kind_of_request_that_was_never_sent()
    {
        var verdicts = SlowFaultVerdicts.FreezeReplica(GoodFreeze().Where(r => r.Endpoint != Endpoints.KeyedCreate).ToList());

        Assert.False(Assert.Single(verdicts, v => !v.Passed).Passed);
    }

    /// <summary>100 GETs a second for 30 s: <paramref name="beforeMs"/> each until the fault at 10 s, <paramref name="duringMs"/> while it lasts (10 s), 5 ms after.</summary>
    private static List<RequestRecord> Gets(double beforeMs, double duringMs) => Enumerable.Range(0, 3000)
        .Select(i => Answer(Endpoints.Health, i * 10, 200, latencyMs: i switch { < 1000 => beforeMs, < 2000 => duringMs, _ => 5 })).ToList();

    [Fact]
    public void Slow_replica_passes_while_the_p99_during_the_fault_stays_within_twice_the_p99_just_before_it()
    {
        var held = SlowFaultVerdicts.SlowReplica(Gets(10, 20), 10 * Second, 10 * Second);
        var doubledAndMore = SlowFaultVerdicts.SlowReplica(Gets(10, 20.5), 10 * Second, 10 * Second);
        var failing = SlowFaultVerdicts.SlowReplica([.. Gets(10, 10), Answer(Endpoints.Health, 15_000, 504, type: ProblemTypes.UpstreamTimeout)], 10 * Second, 10 * Second);
        var nothingBefore = SlowFaultVerdicts.SlowReplica(Gets(10, 10).Where(r => r.ScheduledMs >= 10_000).ToList(), 10 * Second, 10 * Second);

        Assert.True(held.Passed, held.Detail);
        Assert.Contains("GET p99 10.0 ms over the 10 s before the fault (1000 requests), 20.0 ms during it (1000 requests): 2.00× (limit 2×)", held.Detail, StringComparison.Ordinal);
        Assert.False(doubledAndMore.Passed, doubledAndMore.Detail);
        Assert.Contains("2.05×", doubledAndMore.Detail, StringComparison.Ordinal);
        Assert.False(failing.Passed, failing.Detail);
        Assert.False(nothingBefore.Passed, nothingBefore.Detail);
    }

    [Fact]
    public void Slow_replica_gets_fail_on_any_failure_or_any_get_past_the_ceiling()
    {
        var held = SlowFaultVerdicts.SlowReplicaGets(Gets(10, 40));
        var failed = SlowFaultVerdicts.SlowReplicaGets([.. Gets(10, 10), Answer(Endpoints.Health, 15_000, 504, type: ProblemTypes.UpstreamTimeout)]);
        var tooSlow = SlowFaultVerdicts.SlowReplicaGets([.. Gets(10, 10), Answer(Endpoints.Health, 15_000, 200, latencyMs: SlowFaultVerdicts.CeilingMs + 1)]);

        Assert.True(held.Passed, held.Detail);
        Assert.False(failed.Passed, failed.Detail);
        Assert.False(tooSlow.Passed, tooSlow.Detail);
        Assert.False(SlowFaultVerdicts.SlowReplicaGets([]).Passed);
    }

    [Fact]
    public void Slow_replica_compares_only_the_equal_window_just_before_the_fault()
    {
        // Slow GETs long before the fault (the first 5 s of 15) are not the "before".
        var records = Enumerable.Range(0, 2500).Select(i => Answer(Endpoints.Health, i * 10, 200, latencyMs: i < 500 ? 500 : 10)).ToList();

        var verdict = SlowFaultVerdicts.SlowReplica(records, 15 * Second, 10 * Second);

        Assert.True(verdict.Passed, verdict.Detail);
        Assert.Contains("GET p99 10.0 ms over the 10 s before the fault", verdict.Detail, StringComparison.Ordinal);
    }

    /// <summary>Creates and reads for 30 s, the lock from 10 s to 20 s: creates during it wait and answer 503/504, reads answer 200.</summary>
    private static List<RequestRecord> Stall(double recoveredAtMs = 20_000) =>
    [
        .. Enumerable.Range(0, 600).Select(i => i * 50.0).Select(at => at switch
        {
            >= 10_000 and < 20_000 => Answer(Endpoints.Create, at, at % 100 == 0 ? 503 : 504, latencyMs: 3_000),
            _ when at >= 20_000 && at < recoveredAtMs => Answer(Endpoints.Create, at, 503, latencyMs: 5),
            _ => Answer(Endpoints.Create, at, 201, latencyMs: 30),
        }),
        .. Enumerable.Range(0, 300).Select(i => Answer(i % 2 == 0 ? Endpoints.Read : Endpoints.Availability, i * 100.0, 200, latencyMs: 8)),
    ];

    [Fact]
    public void Stall_passes_on_creates_answered_as_allowed_reads_all_200_and_creates_succeeding_again_soon_after_the_unlock()
    {
        var verdicts = SlowFaultVerdicts.StallDatabase(Stall(), unlockedMs: 20_000);

        Assert.All(verdicts, v => Assert.True(v.Passed, v.Detail));
        Assert.Contains("time to the first 201 after the unlock at 20.0 s: 30.0 ms", verdicts[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stall_fails_on_a_500_a_slow_create_a_failed_or_slow_read_or_creates_that_stay_refused_past_2_s()
    {
        StallFails(Stall().Append(Answer(Endpoints.Create, 15_000, 500, type: "internal")), "creates");
        StallFails(Stall().Append(Answer(Endpoints.Create, 15_000, 201, latencyMs: 12_000)), "creates");
        StallFails(Stall().Append(Answer(Endpoints.Read, 15_000, 503, type: ProblemTypes.DatabaseUnavailable)), "reads");
        StallFails(Stall().Append(Answer(Endpoints.Availability, 15_000, 200, latencyMs: SlowFaultVerdicts.CeilingMs + 1)), "reads");
        StallFails(Stall(recoveredAtMs: 22_500), "recover");
        StallFails(Stall().Where(r => r.Endpoint != Endpoints.Create || r.ScheduledMs < 20_000), "recover");
    }

    private static void StallFails(IEnumerable<RequestRecord> records, string verdict)
    {
        var failed = Assert.Single(SlowFaultVerdicts.StallDatabase(records.ToList(), unlockedMs: 20_000), v => !v.Passed);
        Assert.EndsWith(verdict, failed.Name, StringComparison.Ordinal);
    }
}
