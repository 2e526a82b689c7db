using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>Global mode against a real Redis: the Lua bucket, sharing, and falling back and returning.</summary>
public sealed class RedisTokenBucketsTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task The_script_admits_the_burst_then_refuses_with_the_wait_until_the_next_permit()
    {
        using var global = Connect(out var policy, permitsPerSecond: 1, burst: 3);
        var client = new ClientKey(0, 42);

        var decisions = new List<GlobalDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add((await global.TryTakeAsync(policy, client, 1))!.Value);
        }

        Assert.Equal([true, true, true, false, false], decisions.Select(d => d.Admitted));
        var refused = decisions[3];
        // Three permits at one per second: the bucket is drawn down ~3 s and the next permit is ~1 s away.
        Assert.InRange(refused.Backlog, 2 * policy.TicksPerSecond, 3 * policy.TicksPerSecond);
        Assert.InRange(refused.Wait, policy.TicksPerSecond / 2, policy.TicksPerSecond);
        Assert.Equal(0, policy.RemainingAfter(refused.Backlog));
        Assert.Equal(1, policy.RetryAfterSeconds(refused.Wait));
    }

    [Fact]
    public async Task Two_gateways_draw_on_one_bucket_and_its_key_expires_when_full()
    {
        using var first = Connect(out var policy, permitsPerSecond: 0.5, burst: 10);
        using var second = Connect(out _, permitsPerSecond: 0.5, burst: 10);
        var client = new ClientKey(0, 7);

        var admitted = 0;
        for (var i = 0; i < 20; i++)
        {
            var gateway = i % 2 == 0 ? first : second;
            admitted += (await gateway.TryTakeAsync(policy, client, 1))!.Value.Admitted ? 1 : 0;
        }

        Assert.Equal(10, admitted);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"ratelimit:anonymous:{client}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Without_Redis_the_caller_decides_locally_and_global_mode_returns_by_itself()
    {
        using var global = Connect(out var policy, permitsPerSecond: 100, burst: 100, retryAfter: TimeSpan.FromMilliseconds(200));
        var client = new ClientKey(0, 9);
        Assert.True(global.IsActive);
        Assert.NotNull(await global.TryTakeAsync(policy, client, 1));

        await _redis.StopAsync();
        var fellBack = await Eventually.HoldsAsync(async () =>
            !global.IsActive || await global.TryTakeAsync(policy, client, 1) is null, TimeSpan.FromSeconds(20));
        Assert.True(fellBack, "global mode did not notice that Redis stopped");
        Assert.True(global.IsDegraded);

        await _redis.StartAgainAsync();
        var returned = await Eventually.HoldsAsync(async () =>
            global.IsActive && await global.TryTakeAsync(policy, client, 1) is not null, TimeSpan.FromSeconds(20));
        Assert.True(returned, "global mode did not come back after Redis did");
        Assert.False(global.IsDegraded);
    }

    private RedisTokenBuckets Connect(out TokenBucketPolicy policy, double permitsPerSecond, int burst, TimeSpan? retryAfter = null)
    {
        var options = Options.Create(new RateLimitingOptions
        {
            Redis = _redis.GatewayConnectionString,
            RedisRetryAfter = retryAfter ?? TimeSpan.FromSeconds(1),
            Policies = { ["anonymous"] = new() { PermitsPerSecond = permitsPerSecond, Burst = burst } },
        });
        var clock = new LimiterClock(TimeProvider.System);
        policy = new PolicySet(options, clock).Anonymous;
        return new RedisTokenBuckets(options, clock, NullLogger<RedisTokenBuckets>.Instance);
    }
}
