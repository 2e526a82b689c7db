using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Platform.Topology.Files;

namespace Platform.Topology.Services;

/// <summary>
/// How a Redis server is started: loopback only, an append-only file in its own directory, in the foreground,
/// with the ACL file <see cref="RedisUsers"/> defines (no client gets in without AUTH).
/// </summary>
public static class RedisService
{
    public const string Server = "redis-server";

    /// <summary>The ACL file's name in the data directory: mode 0600 there, in a directory of this user's only.</summary>
    public const string AclFileName = "users.acl";

    /// <param name="logFile">Where Redis writes its log; null: to stdout (a test reads it there).</param>
    public static ServiceCommand Start(int port, string dataDirectory, string? logFile) => new(
        Binaries.Require(Server),
        ["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--dir", dataDirectory,
         "--appendonly", "yes", "--daemonize", "no", "--aclfile", Path.Combine(dataDirectory, AclFileName),
         .. logFile is null ? Array.Empty<string>() : ["--logfile", logFile]]);

    /// <summary>Writes the ACL file Redis reads at its start into <paramref name="dataDirectory"/>; <paramref name="passwords"/> holds one per user.</summary>
    public static void WriteAcl(string dataDirectory, IReadOnlyDictionary<string, string> passwords) =>
        AtomicFile.Write(Path.Combine(dataDirectory, AclFileName), RedisUsers.AclFile(passwords), secret: true);

    /// <summary><c>up</c>'s Redis users' passwords, each generated once into the state directory (<see cref="StateLayout.RedisPasswordFile"/>).</summary>
    public static IReadOnlyDictionary<string, string> Passwords(StateLayout layout) =>
        RedisUsers.All.ToDictionary(user => user.Name, user => Secrets.EnsurePassword(layout.RedisPasswordFile(user.Name)));

    /// <summary>
    /// StackExchange.Redis's configuration string for <paramref name="user"/> on the server on <paramref name="port"/>.
    /// No tie-breaker key and no configuration channel: on connect the library would GET the one and SUBSCRIBE
    /// to the other, which only matter with several primaries and which no user but the operator may do.
    /// </summary>
    public static string Configuration(int port, string user, string password) =>
        $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)},user={user},password={password},tiebreaker=,configChannel=";

    /// <summary>
    /// PING in raw RESP as <paramref name="user"/> (AUTH first), so readiness does not depend on a client
    /// library's reconnect policy: <c>PONG</c> when ready, else what it answered (<c>LOADING …</c> while it
    /// reads the append-only file, <c>WRONGPASS …</c>) or why it did not.
    /// </summary>
    public static async Task<string> PingAsync(int port, string user, string password, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"AUTH {user} {password}\r\nPING\r\n"), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var auth = await reader.ReadLineAsync(timeout.Token);
            if (auth is null || !auth.StartsWith('+'))
            {
                return auth is { Length: > 0 } ? auth.TrimStart('-') : "no answer";
            }

            var answer = await reader.ReadLineAsync(timeout.Token);
            return answer is { Length: > 0 } ? answer.TrimStart('+', '-') : "no answer";
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return "no answer";
        }
    }
}
