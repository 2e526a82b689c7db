using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Platform.Topology.Services;

/// <summary>How a Redis server is started: loopback only, an append-only file in its own directory, in the foreground.</summary>
public static class RedisService
{
    public const string Server = "redis-server";

    /// <param name="logFile">Where Redis writes its log; null: to stdout (a test reads it there).</param>
    public static ServiceCommand Start(int port, string dataDirectory, string? logFile) => new(
        Binaries.Require(Server),
        ["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--dir", dataDirectory,
         "--appendonly", "yes", "--daemonize", "no", .. logFile is null ? Array.Empty<string>() : ["--logfile", logFile]]);

    /// <summary>StackExchange.Redis's configuration string for the server on <paramref name="port"/>.</summary>
    public static string Configuration(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// PING in raw RESP, so readiness does not depend on a client library's reconnect policy: <c>PONG</c>
    /// when ready, else what it answered (<c>LOADING …</c> while it reads the append-only file) or why it did not.
    /// </summary>
    public static async Task<string> PingAsync(int port, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
            return answer.Length > 0 ? answer.TrimStart('+', '-') : "no answer";
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return "no answer";
        }
    }
}
