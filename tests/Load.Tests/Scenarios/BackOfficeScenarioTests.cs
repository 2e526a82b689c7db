using Platform.Load.Scenarios;

namespace Platform.Load.Tests.Scenarios;

/// <summary>The back-office scenario reads the replicas' latency from their histograms as Prometheus's histogram_quantile does.</summary>
public sealed class BackOfficeScenarioTests
{
    [Fact]
    public void A_quantile_falls_in_its_bucket_linearly_and_never_beyond_the_last_finite_bound()
    {
        // 100 requests: 60 under 5 ms, 30 more under 10 ms, 10 more under 25 ms.
        var buckets = new SortedDictionary<double, double> { [0.005] = 60, [0.01] = 90, [0.025] = 100, [double.PositiveInfinity] = 100 };
        Assert.Equal(0.0025, BackOfficeScenario.HistogramQuantile(buckets, 0.30), 9);
        Assert.Equal(0.0175, BackOfficeScenario.HistogramQuantile(buckets, 0.95), 9);
        Assert.Equal(0.0075, BackOfficeScenario.HistogramQuantile(buckets, 0.75), 9);
        var slow = new SortedDictionary<double, double> { [0.005] = 0, [0.01] = 0, [double.PositiveInfinity] = 10 };
        Assert.Equal(0.01, BackOfficeScenario.HistogramQuantile(slow, 0.95), 9);
        Assert.True(double.IsNaN(BackOfficeScenario.HistogramQuantile(new SortedDictionary<double, double>(), 0.95)));
    }
}
