using System.Net;
using System.Text.RegularExpressions;

namespace Platform.Api.Tests.Contract;

public partial class MetricsTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task Metrics_are_served_on_the_management_port_with_the_pool_named_after_the_replica()
    {
        // Two creates: the first may open a connection (create time), the second reuses it (wait time).
        await CreateAsync(NewStay());
        await CreateAsync(NewStay());
        var replica = Cluster.Replicas[0];
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(replica.MetricsAddress, "/metrics"), Cancellation);

        foreach (var state in new[] { "idle", "used" })
            Assert.Matches($"mysqlconnector_db_client_connections_usage\\{{pool_name=\"{replica.Id}\",state=\"{state}\"\\}} \\d+", text);
        Assert.Matches($"mysqlconnector_db_client_connections_max\\{{pool_name=\"{replica.Id}\"\\}} 30", text);
        Assert.Matches($"mysqlconnector_db_client_connections_pending_requests\\{{pool_name=\"{replica.Id}\"\\}} \\d+", text);
        Assert.Matches($"mysqlconnector_db_client_connections_wait_time_bucket\\{{pool_name=\"{replica.Id}\",le=\"0.001\"\\}}", text);
        Assert.Matches($"mysqlconnector_db_client_connections_usage\\{{pool_name=\"{replica.Id}-background\",state=\"idle\"\\}}", text);
        // Present before any timeout, so Prometheus's increase() sees the first one.
        Assert.Matches($"mysqlconnector_db_client_connections_timeouts\\{{pool_name=\"{replica.Id}\"\\}} \\d+", text);
        Assert.Matches($"mysqlconnector_db_client_connections_timeouts\\{{pool_name=\"{replica.Id}-background\"\\}} 0", text);
    }

    [Fact]
    public async Task Request_durations_have_buckets_at_half_a_second_and_five_seconds()
    {
        await CreateAsync(NewStay());
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(Cluster.Replicas[0].MetricsAddress, "/metrics"), Cancellation);
        var createSeries = DurationBucket().Matches(text).Select(m => m.Groups["le"].Value).ToList();
        Assert.Contains("0.5", createSeries);
        Assert.Contains("5", createSeries);
        Assert.Contains("+Inf", createSeries);
    }

    [Fact]
    public async Task The_pool_gauges_count_connections_in_use_and_return_to_idle()
    {
        var replica = Cluster.Replicas[1];
        using var http = new HttpClient();
        await CreateAsync(NewStay(), client: Client(1));
        var text = await http.GetStringAsync(new Uri(replica.MetricsAddress, "/metrics"), Cancellation);
        var used = Regex.Match(text, $"mysqlconnector_db_client_connections_usage\\{{pool_name=\"{replica.Id}\",state=\"used\"\\}} (\\d+)");
        var idle = Regex.Match(text, $"mysqlconnector_db_client_connections_usage\\{{pool_name=\"{replica.Id}\",state=\"idle\"\\}} (\\d+)");
        Assert.Equal("0", used.Groups[1].Value);
        Assert.True(int.Parse(idle.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Shed_and_deadline_counters_exist_for_every_class_from_the_start()
    {
        // A fresh replica: nothing was shed or cut off yet, and every series is already there at 0.
        await using var replica = await Cluster.StartExtraReplicaAsync();
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(replica.MetricsAddress, "/metrics"), Cancellation);
        foreach (var workClass in new[] { "read", "write" })
        {
            foreach (var reason in new[] { "capacity", "deadline" })
                Assert.Matches($"(?m)^api_requests_shed_total\\{{class=\"{workClass}\",reason=\"{reason}\"\\}} 0$", text);
            Assert.Matches($"(?m)^api_deadline_exceeded_total\\{{class=\"{workClass}\"\\}} 0$", text);
        }
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_api_port()
    {
        using var response = await Client().GetAsync("/metrics", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex("http_request_duration_seconds_bucket\\{code=\"2xx\",method=\"POST\",endpoint=\"/api/v1/reservations/?\",le=\"(?<le>[^\"]+)\"\\}")]
    private static partial Regex DurationBucket();
}
