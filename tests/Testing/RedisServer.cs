using Platform.Topology.Processes;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A throwaway Redis server on a free loopback port, started as <c>./platform up</c> starts it
/// (<see cref="RedisService"/>): an append-only file in a temp directory, so data written before
/// <see cref="StopAsync"/> is there again after <see cref="StartAgainAsync"/>; its log on stdout.
/// </summary>
public sealed class RedisServer : RestartableServer
{
    private readonly ScratchDirectory _directory;

    private RedisServer(ScratchDirectory directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string: <c>127.0.0.1:port</c>.</summary>
    public string ConnectionString => RedisService.Configuration(Port);

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

    protected override Readiness Probe() => RedisResource.Probe(Port);
}
