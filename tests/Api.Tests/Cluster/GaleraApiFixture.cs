using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Api.Tests.Cluster;

/// <summary>
/// A real three-node Galera cluster, Redis, and three replicas started at the same moment on a fresh
/// database, each on a different node (one host each, not the failover list): the schema migrations
/// race, the leases are contested across nodes, and writes to the same rows meet on different nodes.
/// </summary>
public sealed class GaleraApiFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Reservations__ExpirySweepInterval"] = "00:00:01",
        ["Outbox__PollInterval"] = "00:00:00.100",
    };

    private static readonly string[] Servers = [MariaDbService.Server, "redis-server", GaleraService.StateTransferProgram];

    private GaleraCluster? _database;
    private RedisServer? _redis;
    private readonly List<ApiReplica> _replicas = [];

    public GaleraCluster Database => _database ?? throw RequiredServer.Missing("Galera cluster", Servers);

    public RedisServer Redis => _redis ?? throw RequiredServer.Missing("Galera cluster", Servers);

    /// <summary>Replica N (0-based) works on node N+1.</summary>
    public IReadOnlyList<ApiReplica> Replicas => _replicas.Count > 0 ? _replicas : throw RequiredServer.Missing("Galera cluster", Servers);

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return;
        _database = await GaleraCluster.StartAsync(3);
        _redis = await RedisServer.StartAsync();
        _replicas.AddRange(await Task.WhenAll(Enumerable.Range(1, 3).Select(node =>
            ApiReplica.StartAsync($"api-{node}", _database.NodeAppConnectionString(node), _redis.ConnectionString, Settings))));
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_replicas.Select(r => r.DisposeAsync().AsTask()));
        if (_redis is not null)
            await _redis.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
