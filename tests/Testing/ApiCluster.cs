namespace Platform.Testing;

/// <summary>
/// The platform behind the gateway: one MariaDB, one Redis and N API replicas, all real processes on
/// free loopback ports. Replica 1 starts alone first, so a broken schema fails with one clear error;
/// the rest start together (the API applies its schema under a named lock).
/// </summary>
public sealed class ApiCluster : IAsyncDisposable
{
    private readonly SortedList<int, ApiReplica> _replicas = [];
    private readonly IReadOnlyDictionary<string, string> _settings;
    private int _replicasRequested;

    private ApiCluster(MariaDbServer database, RedisServer redis, IReadOnlyDictionary<string, string> settings)
    {
        Database = database;
        Redis = redis;
        _settings = settings;
    }

    public MariaDbServer Database { get; }

    public RedisServer Redis { get; }

    /// <summary>Running and stopped replicas in id order (api-1 first), including extra ones.</summary>
    public IReadOnlyList<ApiReplica> Replicas
    {
        get
        {
            lock (_replicas)
            {
                return [.. _replicas.Values];
            }
        }
    }

    /// <param name="replicas">How many replicas, ids <c>api-1</c>..<c>api-N</c>.</param>
    /// <param name="settings">Configuration for every replica, keys in environment form (<c>Section__Key</c>).</param>
    public static async Task<ApiCluster> StartAsync(int replicas = 3, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(replicas);
        var database = MariaDbServer.StartAsync();
        var redis = RedisServer.StartAsync();
        try
        {
            await Task.WhenAll(database, redis);
        }
        catch
        {
            await DisposeStartedAsync(database);
            await DisposeStartedAsync(redis);
            throw;
        }

        var cluster = new ApiCluster(await database, await redis, settings ?? new Dictionary<string, string>());
        try
        {
            await cluster.StartExtraReplicaAsync();
            await Task.WhenAll(Enumerable.Range(2, replicas - 1).Select(_ => cluster.StartExtraReplicaAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more replica (id <c>api-N+1</c>) against the same database and Redis, with the
    /// cluster's settings overridden by <paramref name="settings"/> (e.g. a tiny pool).
    /// </summary>
    public async Task<ApiReplica> StartExtraReplicaAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var merged = new Dictionary<string, string>(_settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        var number = Interlocked.Increment(ref _replicasRequested);
        var replica = await ApiReplica.StartAsync($"api-{number}", Database.AppConnectionString, Redis.RelayConnectionString, merged);
        lock (_replicas)
        {
            _replicas.Add(number, replica);
        }

        return replica;
    }

    /// <summary>Stops the replicas first (killed), then Redis and MariaDB.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(Replicas.Select(replica => replica.DisposeAsync().AsTask()));
        }
        finally
        {
            try
            {
                await Redis.DisposeAsync();
            }
            finally
            {
                await Database.DisposeAsync();
            }
        }
    }

    private static async Task DisposeStartedAsync<T>(Task<T> starting)
        where T : IAsyncDisposable
    {
        if (starting.IsCompletedSuccessfully)
        {
            await starting.Result.DisposeAsync();
        }
    }
}
