using System.Diagnostics;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Api.Tests.TestInfrastructure;

public class RedisServerTests
{
    [Fact]
    public async Task A_fresh_server_answers_ping()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);

        var latency = await redis.GetDatabase().PingAsync();

        Assert.True(latency < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections_at_once_and_starts_again_with_its_data()
    {
        await using var server = await RedisServer.StartAsync();
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            await redis.GetDatabase().StringSetAsync("kept", "42");
        }

        await server.StopAsync();

        Assert.Null(server.ProcessId);
        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RedisConnectionException>(
            () => ConnectionMultiplexer.ConnectAsync($"{server.ConnectionString},abortConnect=true,connectTimeout=2000,connectRetry=0"));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"connecting to a stopped server took {stopwatch.Elapsed}");

        await server.StartAgainAsync();

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            Assert.Equal("42", (string?)await redis.GetDatabase().StringGetAsync("kept"));
        }
    }

    [Fact]
    public async Task Dispose_kills_the_server_and_deletes_its_data()
    {
        var server = await RedisServer.StartAsync();
        var processId = server.ProcessId!.Value;

        await server.DisposeAsync();

        Assert.False(MariaDbServerTests.IsRunning(processId), $"redis-server {processId} is still running");
        Assert.False(Directory.Exists(server.DataDirectory));
    }
}
