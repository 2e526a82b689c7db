using System.Net;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

public class MetricsTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task Metrics_are_served_on_the_management_port_with_the_pool_named_after_the_replica()
    {
        // Two creates: the first may open a connection (create time), the second reuses it (wait time).
        await CreateAsync(NewStay());
        await CreateAsync(NewStay());
        var replica = Cluster.Replicas[0];
        var text = await replica.ReadMetricsAsync(Cancellation);
        var pool = $"pool_name=\"{replica.Id}\"";

        foreach (var state in new[] { "idle", "used" })
            AssertCount(PrometheusText.Value(text, "mysqlconnector_db_client_connections_usage", $"{pool},state=\"{state}\""));
        Assert.Equal(30, PrometheusText.Value(text, "mysqlconnector_db_client_connections_max", pool));
        AssertCount(PrometheusText.Value(text, "mysqlconnector_db_client_connections_pending_requests", pool));
        Assert.NotNull(PrometheusText.Value(text, "mysqlconnector_db_client_connections_wait_time_bucket", $"{pool},le=\"0.001\""));
        Assert.NotNull(PrometheusText.Value(text, "mysqlconnector_db_client_connections_usage", $"pool_name=\"{replica.Id}-background\",state=\"idle\""));
        // Present before any timeout, so Prometheus's increase() sees the first one.
        AssertCount(PrometheusText.Value(text, "mysqlconnector_db_client_connections_timeouts", pool));
        Assert.Equal(0, PrometheusText.Value(text, "mysqlconnector_db_client_connections_timeouts", $"pool_name=\"{replica.Id}-background\""));
    }

    [Fact]
    public async Task Request_durations_have_buckets_at_half_a_second_and_five_seconds()
    {
        await CreateAsync(NewStay());
        var text = await Cluster.Replicas[0].ReadMetricsAsync(Cancellation);
        var createSeries = PrometheusText.Samples(text, "http_request_duration_seconds_bucket")
            .Where(sample => sample.Label("code") == "2xx" && sample.Label("method") == "POST"
                             && sample.Label("endpoint") is "/api/v1/reservations" or "/api/v1/reservations/")
            .Select(sample => sample.Label("le")).ToList();
        Assert.Contains("0.5", createSeries);
        Assert.Contains("5", createSeries);
        Assert.Contains("+Inf", createSeries);
    }

    [Fact]
    public async Task The_pool_gauges_count_connections_in_use_and_return_to_idle()
    {
        var replica = Cluster.Replicas[1];
        await CreateAsync(NewStay(), client: Client(1));
        var text = await replica.ReadMetricsAsync(Cancellation);
        var used = PrometheusText.Value(text, "mysqlconnector_db_client_connections_usage", $"pool_name=\"{replica.Id}\",state=\"used\"");
        var idle = PrometheusText.Value(text, "mysqlconnector_db_client_connections_usage", $"pool_name=\"{replica.Id}\",state=\"idle\"");
        Assert.Equal(0, used);
        Assert.True(idle >= 1, $"idle connections: {idle}");
    }

    [Fact]
    public async Task Shed_and_deadline_counters_exist_for_every_class_from_the_start()
    {
        // A fresh replica: nothing was shed or cut off yet, and every series is already there at 0.
        await using var replica = await Cluster.StartExtraReplicaAsync();
        var text = await replica.ReadMetricsAsync(Cancellation);
        foreach (var workClass in new[] { "read", "write" })
        {
            foreach (var reason in new[] { "capacity", "deadline" })
                Assert.Equal(0, PrometheusText.Value(text, "api_requests_shed_total", $"class=\"{workClass}\",reason=\"{reason}\""));
            Assert.Equal(0, PrometheusText.Value(text, "api_deadline_exceeded_total", $"class=\"{workClass}\""));
        }
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_api_port()
    {
        using var response = await Client().GetAsync("/metrics", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A count: present, a whole number, not negative.</summary>
    private static void AssertCount(double? value)
    {
        Assert.NotNull(value);
        Assert.True(value >= 0 && value == Math.Floor(value.Value), $"not a count: {value}");
    }
}
