using System.Diagnostics;
using MySqlConnector;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Galera;

/// <summary>
/// A real three-node Galera cluster, started as <c>PLATFORM_DB_NODES=3 ./platform up</c> starts one: the node
/// taking writes killed with SIGKILL (the failover connection string moves to the next and loses nothing;
/// the node rejoins by IST); a cluster that lost its majority (the survivor refuses statements until an
/// operator makes it primary again); the whole cluster stopped cleanly or crashed, and founded again from the
/// right node.
/// </summary>
public sealed class GaleraClusterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_killed_writer_is_replaced_and_rejoins_a_lost_majority_is_restored_by_hand_and_the_whole_cluster_restarts_from_the_right_node()
    {
        await using var cluster = await GaleraCluster.StartAsync(3);
        await CreateTableAsync(cluster);
        Assert.Equal("127.0.0.1", await ServingAddressAsync(cluster.AppConnectionString));

        for (var i = 0; i < 20; i++)
            await InsertAsync(cluster.AppConnectionString, i);
        await cluster.KillAsync(1);

        // The next new connection finds node 1 refusing and takes node 2: writes go on at once.
        var moved = Stopwatch.StartNew();
        await InsertWithinAsync(cluster.AppConnectionString, 20, TimeSpan.FromSeconds(10));
        Assert.True(moved.Elapsed < TimeSpan.FromSeconds(10), $"the first write after the kill took {moved.Elapsed}");
        Assert.Equal("127.0.0.2", await ServingAddressAsync(cluster.AppConnectionString));
        for (var i = 21; i < 40; i++)
            await InsertAsync(cluster.AppConnectionString, i);

        await cluster.StartNodeAsync(1);
        Assert.True(await cluster.WaitUntilAllSyncedAsync(Bound), cluster.Diagnostics(1));
        Assert.Equal(40, await CountAsync(cluster.NodeAppConnectionString(1)));
        Assert.Contains("IST received", await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(cluster.Socket(1))!, "mariadb.log"), Cancellation), StringComparison.Ordinal);

        // Two of three gone: the survivor has no majority and refuses statements, so nothing it took could be lost.
        await cluster.KillAsync(2);
        await cluster.KillAsync(3);
        Assert.True(await Eventually.HoldsAsync(async () => await cluster.StatusAsync(1) is { ClusterStatus: "non-Primary" }, Bound), "node 1 stayed primary without a majority");
        var refused = await Assert.ThrowsAsync<MySqlException>(() => InsertAsync(cluster.NodeAppConnectionString(1), 100));
        Assert.Equal(MySqlErrorCode.UnknownCommand, refused.ErrorCode); // 1047: WSREP has not yet prepared node for application use

        // The operator makes the survivor primary, then 'up' (here: StartStopped) brings the others back.
        await cluster.ForcePrimaryAsync(1);
        await InsertWithinAsync(cluster.NodeAppConnectionString(1), 100, TimeSpan.FromSeconds(10));
        Assert.Null(await cluster.StartStoppedAsync()); // a node runs: they join it, nobody founds a new cluster
        Assert.True(await cluster.WaitUntilAllSyncedAsync(Bound), cluster.Diagnostics(2));
        foreach (var node in new[] { 1, 2, 3 })
            Assert.Equal(41, await CountAsync(cluster.NodeAppConnectionString(node)));

        // The whole cluster, on the same nodes (one cluster's start is a third of this test's time).
        // down's order: the last node first, so node 1 leaves last and knows it holds everything.
        foreach (var node in new[] { 3, 2, 1 })
            await cluster.StopNodeAsync(node);
        Assert.True(GaleraState.Read(cluster.DataDirectory(1)) is { SafeToBootstrap: true }, "node 1 left last but is not marked safe to bootstrap");
        var clean = await cluster.StartStoppedAsync();
        Assert.Equal(1, clean?.Node);
        Assert.True(await cluster.WaitUntilAllSyncedAsync(Bound), cluster.Diagnostics(2));

        // Node 1 crashes and the other two go on; then they crash too. Nobody is marked safe (a node is only
        // when it is alone in a primary component), so each position is recovered and the most advanced
        // (the first of them when equal) founds the cluster; node 1 catches up from it.
        await cluster.KillAsync(1);
        await InsertWithinAsync(cluster.AppConnectionString, 200, TimeSpan.FromSeconds(10));
        await cluster.KillAsync(2);
        await cluster.KillAsync(3);
        foreach (var node in Enumerable.Range(1, 3))
            Assert.False(GaleraState.Read(cluster.DataDirectory(node))!.SafeToBootstrap, $"node {node} is marked safe after the crash");
        var crashed = await cluster.StartStoppedAsync();
        // Nodes 2 and 3 both hold the last write; node 3, the last alive, can be one event ahead (the
        // configuration change it saw alone), and then it is the most advanced. Either way, not node 1,
        // and nothing is lost (the counts below).
        Assert.True(crashed?.Node is 2 or 3, $"node {crashed?.Node} founded the cluster: {crashed?.Reason}");
        Assert.Contains("recovered positions", crashed!.Reason, StringComparison.Ordinal);
        Assert.True(await cluster.WaitUntilAllSyncedAsync(Bound), cluster.Diagnostics(1));
        foreach (var node in new[] { 1, 2, 3 })
            Assert.Equal(42, await CountAsync(cluster.NodeAppConnectionString(node)));
    }

    private static Task CreateTableAsync(GaleraCluster cluster) => MariaDbService.ExecuteAsRootAsync(
        cluster.Root(1), "CREATE TABLE platform.galera_probe (id INT PRIMARY KEY, written_at DATETIME(6) NOT NULL DEFAULT NOW(6))", Cancellation);

    private static async Task InsertAsync(string connectionString, int id)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand("INSERT INTO galera_probe (id) VALUES (@id)", connection);
        command.Parameters.AddWithValue("@id", id);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    // A write that meets the dead node's pooled connection fails once; the next open goes elsewhere.
    private static async Task InsertWithinAsync(string connectionString, int id, TimeSpan within)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await InsertAsync(connectionString, id);
                return;
            }
            catch (MySqlException) when (stopwatch.Elapsed < within)
            {
                await Task.Delay(100, Cancellation);
            }
        }
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM galera_probe", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancellation), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> ServingAddressAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand("SELECT @@bind_address", connection);
        return (string)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
