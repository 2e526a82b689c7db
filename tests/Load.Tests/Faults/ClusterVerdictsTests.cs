using Platform.Load.Faults;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Tests.Faults;

/// <summary>
/// The verdicts of <c>fault-kill-database-node</c> on made-up runs: each passes on a run that behaved and
/// fails on one that did not.
/// </summary>
public sealed class ClusterVerdictsTests
{
    private static RequestRecord Create(double atMs, int status, double latencyMs = 5) =>
        new(atMs, latencyMs, Endpoints.Create, "load", status, null, "api-1", status is not 201);

    private static RequestRecord Read(double atMs, int status, double latencyMs = 5) =>
        new(atMs, latencyMs, Endpoints.Read, "load", status, null, "api-1", status is not 200);

    [Fact]
    public void Creates_pass_when_a_201_comes_back_within_10_s_of_the_kill_and_the_failures_before_it_are_counted()
    {
        List<RequestRecord> records = [Create(9_000, 201), Create(10_100, 504, 3_000), Create(10_200, 503), Create(16_000, 201), Create(17_000, 201)];
        var verdict = ClusterVerdicts.CreatesAnsweredAgain(records, killMs: 10_000);
        Assert.True(verdict.Passed, verdict.Detail);
        Assert.Contains("the first 201 completed 6.0 s after it", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("2 creates failed before it", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Creates_fail_when_no_201_comes_back_within_10_s_or_never()
    {
        Assert.False(ClusterVerdicts.CreatesAnsweredAgain([Create(10_100, 503), Create(19_000, 201, latencyMs: 2_000)], killMs: 10_000).Passed);
        var never = ClusterVerdicts.CreatesAnsweredAgain([Create(10_100, 503)], killMs: 10_000);
        Assert.False(never.Passed);
        Assert.Contains("never", never.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_pass_when_failures_in_a_row_last_at_most_the_deadline_and_fail_beyond_it()
    {
        List<RequestRecord> brief = [Read(0, 200), Read(1_000, 503), Read(2_000, 503), Read(3_000, 200)];
        var passed = ClusterVerdicts.ReadsNeverFailLong(brief);
        Assert.True(passed.Passed, passed.Detail);
        Assert.Contains("lasted 2.0 s", passed.Detail, StringComparison.Ordinal);

        List<RequestRecord> long_ = [Read(0, 200), Read(1_000, 503), Read(2_000, 503), Read(3_000, 503), Read(4_500, 200)];
        Assert.False(ClusterVerdicts.ReadsNeverFailLong(long_).Passed);
        // Failing to the end of the run counts too, and no reads at all proves nothing.
        Assert.False(ClusterVerdicts.ReadsNeverFailLong([Read(0, 503), Read(5_000, 503)]).Passed);
        Assert.False(ClusterVerdicts.ReadsNeverFailLong([]).Passed);
    }
}
