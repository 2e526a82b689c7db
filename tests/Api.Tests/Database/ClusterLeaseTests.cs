using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Tests.Contract;
using Platform.Testing;

namespace Platform.Api.Tests.Database;

/// <summary>
/// The leases that keep the schema migrations, the outbox relay and the expiry sweep to one replica at
/// a time, on the real database: each test uses a lease name of its own, beside the replicas' leases.
/// </summary>
public class ClusterLeaseTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Of_many_holders_asking_at_once_exactly_one_holds_the_lease_and_keeps_it()
    {
        await using var database = new MySqlDataSource(Cluster.Database.AppConnectionString);
        var name = LeaseName();
        var leases = Enumerable.Range(0, 8).Select(i => Lease(database, name, $"holder-{i}", Long)).ToList();

        var held = await Task.WhenAll(leases.Select(l => l.TryHoldAsync(Cancellation)));

        var holder = Assert.Single(Enumerable.Range(0, held.Length), i => held[i]);
        var again = await Task.WhenAll(leases.Select(l => l.TryHoldAsync(Cancellation)));
        Assert.Equal(held, again);
        Assert.Equal($"holder-{holder}", await HolderAsync(name));
    }

    [Fact]
    public async Task A_released_lease_is_taken_at_once_by_the_next_that_asks()
    {
        await using var database = new MySqlDataSource(Cluster.Database.AppConnectionString);
        var name = LeaseName();
        var first = Lease(database, name, "first", Long);
        var second = Lease(database, name, "second", Long);
        Assert.True(await first.TryHoldAsync(Cancellation));
        Assert.False(await second.TryHoldAsync(Cancellation));

        await first.ReleaseAsync(Cancellation);

        Assert.True(await second.TryHoldAsync(Cancellation));
        Assert.False(await first.TryHoldAsync(Cancellation));
    }

    [Fact]
    public async Task A_lease_its_holder_stops_renewing_passes_to_another_when_its_time_runs_out_and_the_old_holder_knows()
    {
        await using var database = new MySqlDataSource(Cluster.Database.AppConnectionString);
        var name = LeaseName();
        var duration = TimeSpan.FromSeconds(1);
        var frozen = Lease(database, name, "frozen", duration);
        var standby = Lease(database, name, "standby", duration);
        Assert.True(await frozen.TryHoldAsync(Cancellation));
        Assert.False(await standby.TryHoldAsync(Cancellation));

        // The database's clock decides: the standby takes it once the row's time has passed.
        Assert.True(await Eventually.HoldsAsync(() => standby.TryHoldAsync(Cancellation), TimeSpan.FromSeconds(5)),
            "the standby never took a lease that ran out");
        Assert.False(await frozen.TryHoldAsync(Cancellation));
        Assert.Equal("standby", await HolderAsync(name));
    }

    [Fact]
    public async Task One_replica_relays_and_one_sweeps()
    {
        foreach (var lease in (string[])[ClusterLeases.OutboxRelay, ClusterLeases.ExpirySweep])
        {
            Assert.True(await Eventually.HoldsAsync(async () => await HoldersAsync(lease) == 1, TimeSpan.FromSeconds(15)),
                $"{lease}: {await HoldersAsync(lease)} replicas hold it");
        }
    }

    private static ClusterLease Lease(MySqlDataSource database, string name, string holder, TimeSpan duration) =>
        new(database, name, holder, duration, TimeSpan.FromSeconds(2), TimeProvider.System);

    private static string LeaseName() => "test-" + Guid.NewGuid().ToString("N")[..12];

    private Task<string?> HolderAsync(string name) =>
        QueryScalarAsync<string?>("SELECT holder FROM cluster_leases WHERE name = @name", new { name });

    private async Task<int> HoldersAsync(string lease)
    {
        var holders = 0;
        // Other tests' extra replicas come and go: one that has stopped holds nothing.
        foreach (var replica in Cluster.Replicas.Where(r => !r.HasExited))
        {
            var text = await replica.ReadMetricsAsync(Cancellation);
            holders += (int)(PrometheusText.Value(text, "cluster_lease_held", $"lease=\"{lease}\"") ?? 0);
        }
        return holders;
    }
}
