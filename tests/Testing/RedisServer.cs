using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// A throwaway Redis server on a free loopback port with an append-only file in a temp directory, so
/// data written before <see cref="StopAsync"/> is there again after <see cref="StartAgainAsync"/>.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _redisServer;
    private readonly ScratchDirectory _directory;
    private readonly OutputTail _output = new();
    private ChildProcess? _process;

    private RedisServer(string redisServer, ScratchDirectory directory, int port)
    {
        _redisServer = redisServer;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string: <c>127.0.0.1:port</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The directory holding the append-only file (deleted on dispose).</summary>
    public string DataDirectory => _directory.Path;

    /// <summary>Process id of the running server, or null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } ? _process.Id : null;

    /// <summary>Starts a server and waits for PING; skips or fails the test when redis-server is missing (see <see cref="RequiredServer"/>).</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var redisServer = RequiredServer.Locate("redis-server");
        var server = new RedisServer(redisServer, ScratchDirectory.Create("platform-redis-"), FreePort.Next());
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
        _process = ChildProcess.Start(
            _redisServer,
            ["--bind", "127.0.0.1", "--port", $"{Port}", "--dir", _directory.Path,
             "--save", "", "--appendonly", "yes", "--daemonize", "no"],
            output: _output);

        string? lastAnswer = null;
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} while starting:{Environment.NewLine}{_output}");
            }

            lastAnswer = await PingAsync();
            if (lastAnswer == "+PONG")
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer PING on {ConnectionString} within {StartTimeout.TotalSeconds:0} s (last answer: {lastAnswer}):{Environment.NewLine}{_output}");
    }

    // Raw RESP, so readiness does not depend on a client library's reconnect policy.
    // While loading the append-only file Redis answers -LOADING, not +PONG.
    private async Task<string?> PingAsync()
    {
        try
        {
            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cancellation.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellation.Token);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, cancellation.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return e.Message;
        }
    }
}
