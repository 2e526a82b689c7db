using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A throwaway Redis server on a free loopback port, started as <c>./platform up</c> starts it
/// (<see cref="RedisService"/>): an append-only file in a temp directory, so data written before
/// <see cref="StopAsync"/> is there again after <see cref="StartAgainAsync"/>; its log on stdout; the
/// same ACL users (<see cref="RedisUsers"/>) with random passwords, the default user off.
/// </summary>
public sealed class RedisServer : RestartableServer
{
    private readonly ScratchDirectory _directory;

    private RedisServer(ScratchDirectory directory, int port)
    {
        _directory = directory;
        Port = port;
        Passwords = RedisUsers.All.ToDictionary(user => user.Name, _ => Secrets.RandomKey());
        RedisService.WriteAcl(directory.Path, Passwords);
    }

    public int Port { get; }

    /// <summary>Each ACL user's password.</summary>
    public IReadOnlyDictionary<string, string> Passwords { get; }

    /// <summary>StackExchange.Redis configuration string as the operator (every command and key): what a test inspects Redis with.</summary>
    public string ConnectionString => ConnectionStringOf(RedisUsers.Operator);

    /// <summary>As the replicas' outbox relay: what an API replica is given.</summary>
    public string RelayConnectionString => ConnectionStringOf(RedisUsers.Relay);

    /// <summary>As the gateway's limiter in global mode.</summary>
    public string GatewayConnectionString => ConnectionStringOf(RedisUsers.Gateway);

    /// <summary>StackExchange.Redis configuration string as <paramref name="user"/>.</summary>
    public string ConnectionStringOf(string user) => RedisService.Configuration(Port, user, Passwords[user]);

    /// <summary>The directory holding the append-only file (deleted on dispose).</summary>
    public string DataDirectory => _directory.Path;

    /// <summary>Starts a server and waits for PING; skips or fails the test when redis-server is missing (see <see cref="RequiredServer"/>).</summary>
    public static async Task<RedisServer> StartAsync()
    {
        RequiredServer.Locate(RedisService.Server);
        var server = new RedisServer(ScratchDirectory.Create("platform-redis-"), FreePort.Next());
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server and deletes its directory (a graceful <see cref="RestartableServer.StopAsync"/> flushes the append-only file).</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Delete();
    }

    protected override string Program => "redis-server";

    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(30);

    // Often: a restart reads the append-only file back (answering LOADING) in a moment.
    protected override TimeSpan ProbeInterval => TimeSpan.FromMilliseconds(50);

    protected override ServiceCommand Command() => RedisService.Start(Port, _directory.Path, logFile: null);

    protected override Readiness Probe() => RedisResource.Probe(Port, Passwords[RedisUsers.Operator]);
}
