using System.Diagnostics;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A throwaway Redis server on a free loopback port, started as <c>./platform up</c> starts it
/// (<see cref="RedisService"/>): an append-only file in a temp directory, so data written before
/// <see cref="StopAsync"/> is there again after <see cref="StartAgainAsync"/>; its log on stdout.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ScratchDirectory _directory;
    private readonly OutputTail _output = new();
    private ChildProcess? _process;

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

    /// <summary>Process id of the running server, or null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } ? _process.Id : null;

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

    /// <summary>Graceful shutdown (SIGTERM: the append-only file is flushed) and wait for the process to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(StopTimeout);
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts the stopped server again on the same port and directory; returns when it answers PING.</summary>
    public Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("The server is running; stop it first.");
        }

        return StartProcessAsync();
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        _directory.Delete();
    }

    private async Task StartProcessAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _process = ChildProcess.Start(RedisService.Start(Port, _directory.Path, logFile: null), _output);

        var probe = RedisResource.Probe(Port);
        string? lastAnswer = null;
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} while starting:{Environment.NewLine}{_output}");
            }

            // LOADING while it reads the append-only file back after a restart.
            lastAnswer = await probe.AskAsync();
            if (probe.IsReady(lastAnswer))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer PING on {ConnectionString} within {StartTimeout.TotalSeconds:0} s (last answer: {lastAnswer}):{Environment.NewLine}{_output}");
    }
}
