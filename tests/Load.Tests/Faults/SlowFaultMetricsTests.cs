using Platform.Load.Faults;
using Platform.Load.Runs;

namespace Platform.Load.Tests.Faults;

/// <summary>What the slow-fault reports read from the gateway's and the replicas' metrics pages, and how they say it.</summary>
public sealed class SlowFaultMetricsTests
{
    private const string Gateway = """
        # TYPE gateway_upstream_healthy gauge
        gateway_upstream_healthy{cluster="replicas",destination="api-1"} 1
        gateway_upstream_healthy{cluster="replicas",destination="api-2"} 0
        gateway_upstream_ejected{cluster="replicas",destination="api-1"} 0
        gateway_upstream_ejected{cluster="replicas",destination="api-2"} 1
        gateway_upstream_ejections_total{cluster="replicas",destination="api-2",reason="timeouts"} 1
        """;

    [Fact]
    public void Series_come_with_their_labels_and_a_label_is_read_by_its_whole_name()
    {
        var series = MetricsEndpoint.Series(Gateway, "gateway_upstream_ejected").ToList();

        Assert.Equal([("{cluster=\"replicas\",destination=\"api-1\"}", 0.0), ("{cluster=\"replicas\",destination=\"api-2\"}", 1.0)], series);
        Assert.Equal("api-2", MetricsEndpoint.Label(series[1].Labels, "destination"));
        Assert.Equal("replicas", MetricsEndpoint.Label(series[1].Labels, "cluster"));
        Assert.Null(MetricsEndpoint.Label("{subcluster=\"x\"}", "cluster"));
        Assert.Equal(1, MetricsEndpoint.Parse(Gateway, "gateway_upstream_ejected"));
    }

    [Fact]
    public void A_rotation_sample_per_destination_reads_both_series_and_either_one_takes_it_out()
    {
        var samples = RotationWatch.Parse(1500, Gateway);
        var healthyOnly = RotationWatch.Parse(1500, "gateway_upstream_healthy{cluster=\"replicas\",destination=\"api-2\"} 0\n");

        Assert.Equal([new RotationSample(1500, "api-1", 0, 1), new RotationSample(1500, "api-2", 1, 0)], samples);
        Assert.False(samples[0].OutOfRotation);
        Assert.True(samples[1].OutOfRotation);
        Assert.True(Assert.Single(healthyOnly).OutOfRotation);
        Assert.Null(healthyOnly[0].Ejected);
    }

    [Fact]
    public void Time_to_eject_runs_from_the_fault_to_the_first_sample_out_of_rotation_and_says_when_it_came_back()
    {
        RotationSample At(double ms, string destination, double? ejected, double? healthy = 1) => new(ms, destination, ejected, healthy);
        List<RotationSample> samples = [At(9_000, "api-2", 1), At(10_000, "api-2", 0), At(10_000, "api-1", 1), At(11_250, "api-2", 1), At(12_000, "api-2", 0)];

        Assert.Equal("api-2 out of rotation 1.25 s after the fault began (gateway_upstream_ejected 1), back at 12.0 s",
            RotationWatch.TimeToEject(samples, "api-2", 10_000));
        Assert.StartsWith("api-1 out of rotation 0.00 s", RotationWatch.TimeToEject(samples, null, 10_000), StringComparison.Ordinal);
        Assert.Equal("not observed for api-3 (gateway_upstream_ejected not exported, gateway_upstream_healthy not exported; 0 samples from the fault on, every 0.25 s)",
            RotationWatch.TimeToEject(samples, "api-3", 10_000));
        Assert.StartsWith("not observed for api-2 (gateway_upstream_ejected not exported, gateway_upstream_healthy stayed 1;",
            RotationWatch.TimeToEject([At(10_000, "api-2", null)], "api-2", 10_000), StringComparison.Ordinal);
        Assert.EndsWith("(gateway_upstream_healthy 0), back not before the run ended",
            RotationWatch.TimeToEject([At(10_500, "api-2", null, 0)], "api-2", 10_000), StringComparison.Ordinal);
    }

    [Fact]
    public void Shed_is_the_sum_of_the_replicas_deltas_by_replica_and_by_class_and_reason_or_not_observed()
    {
        static Dictionary<string, double> Page(double write, double read) => ShedCount.Parse($"""
            # TYPE api_requests_shed_total counter
            api_requests_shed_total{"{"}class="write",reason="capacity"{"}"} {write}
            api_requests_shed_total{"{"}class="read",reason="deadline"{"}"} {read}
            """);
        var before = new Dictionary<string, Dictionary<string, double>?> { ["api-1"] = Page(2, 0), ["api-2"] = Page(0, 0), ["api-3"] = null };
        var after = new Dictionary<string, Dictionary<string, double>?> { ["api-1"] = Page(7, 1), ["api-2"] = Page(0, 3), ["api-3"] = Page(4, 0) };
        var absent = new Dictionary<string, Dictionary<string, double>?> { ["api-1"] = [], ["api-2"] = null };

        Assert.Equal("13 requests shed (api_requests_shed_total after minus before: api-1 6, api-2 3, api-3 4; {class=\"read\",reason=\"deadline\"} 4, {class=\"write\",reason=\"capacity\"} 9)",
            ShedCount.Describe(before, after));
        Assert.Equal("not observed (api_requests_shed_total not exported by any replica; no metrics from api-2)", ShedCount.Describe(absent, absent));
    }
}
