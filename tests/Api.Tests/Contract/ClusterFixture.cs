using MySqlConnector;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// One real platform for the contract tests: MariaDB, Redis and three API replicas as processes.
/// Background work is sped up (sweep every second, relay every 100 ms) so tests wait seconds, not minutes.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Reservations__ExpirySweepInterval"] = "00:00:01",
        ["Outbox__PollInterval"] = "00:00:00.100",
    };

    private static readonly string[] Servers = ["mariadbd", "redis-server"];

    private ApiCluster? _cluster;

    /// <summary>The running cluster; skips the test (fails it under CI=true) when the servers are not installed.</summary>
    public ApiCluster Cluster => _cluster ?? throw RequiredServer.Missing("cluster", Servers);

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return; // Each test reports the missing server through Cluster.
        _cluster = await ApiCluster.StartAsync(3, Settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    public async Task<MySqlConnection> OpenRootAsync()
    {
        // Unpooled: tests stop and start the server, which would leave pooled connections dead.
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder(Cluster.Database.RootConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
