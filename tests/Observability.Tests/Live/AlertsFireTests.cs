namespace Platform.Observability.Tests.Live;

/// <summary>
/// The alerts fire for real: real replicas, a real pool filled by requests waiting on a row lock the
/// test holds, a real Prometheus evaluating the repository's rules (only <c>for:</c> shortened) and a
/// real Alertmanager notifying a webhook.
/// </summary>
[Collection(SharedMonitoredPlatform.Name)]
public sealed class AlertsFireTests(MonitoredPlatform platform)
{
    private static readonly int[] ReadOrUnavailable = [200, 503];

    [Fact]
    public async Task Ordinary_traffic_fires_no_alert()
    {
        var run = await platform.OverloadAsync();
        Assert.True(run.FiringBeforeOverload.Count == 0,
            "firing before any overload: " + string.Join(", ", run.FiringBeforeOverload.Select(alert => alert.Name)));
    }

    [Fact]
    public async Task The_connections_alerts_fire_per_replica_and_in_total_while_more_than_20_are_held_and_resolve_when_released()
    {
        var run = await platform.OverloadAsync();
        Assert.True(run.LockWaits >= 3 * MonitoredPlatform.PoolSize, $"only {run.LockWaits} creates held a connection on the lock");

        var replicas = platform.Cluster.Replicas.Select(replica => replica.MetricsAddress.Authority).Order().ToList();
        var firingReplicas = run.FiringWhileHeld("DatabaseConnectionsHigh").Select(alert => alert.Labels["instance"]).Distinct().Order().ToList();
        Assert.True(replicas.SequenceEqual(firingReplicas), $"fired for [{string.Join(", ", firingReplicas)}]; timeline:{Environment.NewLine}{run.Timeline()}");
        Assert.All(run.FiringWhileHeld("DatabaseConnectionsHigh"), alert => Assert.Equal("warning", alert.Labels["severity"]));
        Assert.NotEmpty(run.FiringWhileHeld("DatabaseConnectionsHighTotal"));

        Assert.True(run.GoneAtTheEnd("DatabaseConnectionsHigh"), $"not resolved; timeline:{Environment.NewLine}{run.Timeline()}");
        Assert.True(run.GoneAtTheEnd("DatabaseConnectionsHighTotal"), $"not resolved; timeline:{Environment.NewLine}{run.Timeline()}");
    }

    [Fact]
    public async Task The_latency_alert_fires_once_the_held_requests_have_taken_longer_than_5_seconds_and_none_is_lost()
    {
        var run = await platform.OverloadAsync();
        Assert.All(run.HeldStatuses, status => Assert.Equal(201, status));
        Assert.True(run.FiringAfterRelease("ApiLatencyP95High"), $"timeline:{Environment.NewLine}{run.Timeline()}");
        var alert = run.FiringWhileHeld("ApiLatencyP95High");
        Assert.Empty(alert); // in flight, a slow request is not yet in the histogram
    }

    [Fact]
    public async Task A_full_pool_fires_the_waiting_timeout_and_5xx_alerts_while_clients_get_503s()
    {
        var run = await platform.OverloadAsync();
        Assert.Contains(503, run.OverflowStatuses);
        Assert.All(run.OverflowStatuses, status => Assert.Contains(status, ReadOrUnavailable));
        foreach (var alert in new[] { "DatabaseRequestsWaiting", "DatabasePoolTimeouts", "Api5xxRatioHigh" })
            Assert.True(run.FiringWhileHeld(alert).Count > 0, $"{alert} never fired; timeline:{Environment.NewLine}{run.Timeline()}");
        Assert.All(run.FiringWhileHeld("Api5xxRatioHigh"), alert => Assert.Equal("critical", alert.Labels["severity"]));
    }

    [Fact]
    public async Task Alertmanager_notifies_the_webhook_grouped_by_alert_name_when_firing_and_when_resolved()
    {
        await platform.OverloadAsync();
        var notifications = platform.Receiver.Notifications;
        Assert.All(notifications, notification =>
            Assert.Equal(["alertname"], notification["groupLabels"]!.AsObject().Select(label => label.Key)));
        var connections = notifications.Where(notification => (string?)notification["groupLabels"]!["alertname"] == "DatabaseConnectionsHigh").ToList();
        Assert.Contains(connections, notification => (string?)notification["status"] == "firing");
        Assert.Contains(connections, notification => (string?)notification["status"] == "resolved");
        // One group holds every replica's alert: one page, not three.
        Assert.Contains(connections, notification => notification["alerts"]!.AsArray().Count == 3);
    }
}
