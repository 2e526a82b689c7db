using Platform.Load.Progress;
using Platform.Load.Reporting;
using Platform.Load.Traffic;

namespace Platform.Load.Tests.Progress;

public sealed class RunningFiguresTests
{
    private static RequestRecord Answer(double latencyMs, bool failed = false) =>
        new(0, latencyMs, "GET /api/v1/health", "load", failed ? 503 : 200, null, "api-1", failed);

    [Fact]
    public void Nothing_answered_yet_has_no_p95_and_no_rate()
    {
        var figures = new RunningFigures(new RequestLog(), 60_000).Update(1_000);

        Assert.Equal((0L, 0L, 0.0), (figures.Requests, figures.Failures, figures.Rate));
        Assert.True(double.IsNaN(figures.P95Ms));
        Assert.Equal("-", figures.P95Text);
        Assert.Equal("1 s / 60 s", figures.ElapsedText);
    }

    [Fact]
    public void The_live_p95_is_within_a_thousandth_of_the_exact_one_and_counts_every_record_once()
    {
        var random = new Random(7);
        var latencies = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 9)).ToList();   // 1 ms to 8 s
        var log = new RequestLog();
        var figures = new RunningFigures(log, 60_000);
        foreach (var latency in latencies.Take(10_000))
            log.Add(Answer(latency));
        figures.Update(1_000);
        foreach (var latency in latencies.Skip(10_000))
            log.Add(Answer(latency, failed: latency > 5_000));

        var now = figures.Update(3_000);

        var exact = Percentiles.Of(latencies).P95;
        Assert.Equal(20_000, now.Requests);
        Assert.Equal(latencies.Skip(10_000).Count(l => l > 5_000), now.Failures);
        Assert.InRange(now.P95Ms, exact * 0.999, exact * 1.001);
        // The rate is of the records since the previous update: 10,000 over 2 s.
        Assert.Equal(5_000, now.Rate, 6);
    }

    [Fact]
    public void A_latency_past_the_histograms_ceiling_counts_as_the_ceiling()
    {
        var log = new RequestLog();
        log.Add(Answer(double.PositiveInfinity));
        log.Add(Answer(5 * 3_600_000));

        var figures = new RunningFigures(log, 60_000).Update(1_000);

        Assert.Equal(2, figures.Requests);
        Assert.InRange(figures.P95Ms, 3_600_000 * 0.999, 3_600_000 * 1.001);
    }
}
