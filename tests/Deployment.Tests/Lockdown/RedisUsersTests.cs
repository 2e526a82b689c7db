using System.Net.Sockets;
using System.Text;
using Platform.Testing;
using Platform.Topology.Services;
using StackExchange.Redis;

namespace Platform.Deployment.Tests.Lockdown;

/// <summary>
/// Each Redis user (<see cref="RedisUsers"/>) can do its job, through the same client library its process
/// uses, and nothing more; a client without AUTH gets nothing at all.
/// </summary>
public sealed class RedisUsersTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task The_relay_appends_to_and_reads_back_the_stream_and_touches_nothing_else()
    {
        await using var relay = await ConnectAsync(RedisUsers.Relay);
        var db = relay.GetDatabase();
        await db.StreamAddAsync(RedisUsers.EventStream, [new NameValueEntry("type", "reservation.created")], maxLength: 1000, useApproximateMaxLength: true);
        Assert.Single(await db.StreamRangeAsync(RedisUsers.EventStream, "-", "+", count: 10, messageOrder: Order.Descending));

        await AssertRefusedAsync(db, "GET", "ratelimit:anonymous:1.2.3.4");
        await AssertRefusedAsync(db, "KEYS", "*");
        await AssertRefusedAsync(db, "XADD", "other.stream", "*", "a", "b");
        await AssertRefusedAsync(db, "FLUSHALL");
    }

    [Fact]
    public async Task The_gateway_runs_its_limiter_script_on_its_keys_and_cannot_read_the_stream()
    {
        await using (var relay = await ConnectAsync(RedisUsers.Relay))
        {
            await relay.GetDatabase().StreamAddAsync(RedisUsers.EventStream, "guestEmail", "ana@example.com");
        }

        await using var gateway = await ConnectAsync(RedisUsers.Gateway);
        var db = gateway.GetDatabase();
        // The calls gcra.lua makes: TIME, GET and SET with an expiry, on the bucket's key.
        const string Script = "local t = redis.call('TIME') redis.call('SET', KEYS[1], t[1], 'PX', 1000) return redis.call('GET', KEYS[1])";
        Assert.False((await db.ScriptEvaluateAsync(Script, [new RedisKey("ratelimit:standard:client-1")])).IsNull);

        await AssertRefusedAsync(db, "XRANGE", RedisUsers.EventStream, "-", "+");
        await AssertRefusedAsync(db, "XREAD", "STREAMS", RedisUsers.EventStream, "0");
        await AssertRefusedAsync(db, "GET", RedisUsers.EventStream);
        // Its script cannot reach past its keys either.
        await Assert.ThrowsAsync<RedisServerException>(() => db.ScriptEvaluateAsync("return redis.call('XRANGE', KEYS[1], '-', '+')", [new RedisKey(RedisUsers.EventStream)]));
    }

    [Fact]
    public async Task The_exporter_reads_the_stream_s_length_and_not_its_entries()
    {
        await using (var relay = await ConnectAsync(RedisUsers.Relay))
        {
            await relay.GetDatabase().StreamAddAsync(RedisUsers.EventStream, "guestEmail", "ana@example.com");
        }

        // redis_exporter speaks RESP itself (no client library's handshake): so does this test.
        Assert.StartsWith("$", await RawAsync("INFO server", RedisUsers.Exporter), StringComparison.Ordinal);
        Assert.StartsWith("-NOPERM", await RawAsync($"XRANGE {RedisUsers.EventStream} - +", RedisUsers.Exporter), StringComparison.Ordinal);
        Assert.StartsWith("-NOPERM", await RawAsync($"XREAD STREAMS {RedisUsers.EventStream} 0", RedisUsers.Exporter), StringComparison.Ordinal);
        Assert.StartsWith("-NOPERM", await RawAsync("GET ratelimit:standard:client-1", RedisUsers.Exporter), StringComparison.Ordinal);
        Assert.StartsWith("-NOPERM", await RawAsync("CONFIG SET maxmemory 1", RedisUsers.Exporter), StringComparison.Ordinal);

        await using var process = await ExporterProcess.StartRedisAsync(_redis);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(process.MetricsAddress, Cancellation);
        Assert.Contains("redis_up 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"redis_stream_length{{db=\"db0\",stream=\"{RedisUsers.EventStream}\"}}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_AUTH_every_command_is_refused()
    {
        Assert.StartsWith("-NOAUTH", await RawAsync("PING"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await RawAsync($"XRANGE {RedisUsers.EventStream} - +"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await RawAsync("AUTH default nopass"), StringComparison.Ordinal);
    }

    private Task<ConnectionMultiplexer> ConnectAsync(string user) =>
        ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionStringOf(user)},abortConnect=true");

    private static async Task AssertRefusedAsync(IDatabase db, string command, params object[] arguments)
    {
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync(command, arguments));
        Assert.StartsWith("NOPERM", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The first line of Redis's answer to <paramref name="command"/>, sent in RESP's inline form, after AUTH as <paramref name="user"/> if given.</summary>
    private async Task<string> RawAsync(string command, string? user = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _redis.Port, Cancellation);
        var stream = client.GetStream();
        var auth = user is null ? "" : $"AUTH {user} {_redis.Passwords[user]}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(auth + command + "\r\n"), Cancellation);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        if (user is not null)
        {
            Assert.Equal("+OK", await reader.ReadLineAsync(Cancellation));
        }

        return await reader.ReadLineAsync(Cancellation) ?? "";
    }
}
