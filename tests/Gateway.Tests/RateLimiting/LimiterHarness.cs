using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>The limiter as the gateway assembles it, on a clock the test controls.</summary>
internal sealed class LimiterHarness : IDisposable
{
    public LimiterHarness(double permitsPerSecond, int burst, int maxPartitions = 100_000, TimeProvider? time = null, AnonymousCeilingOptions? ceiling = null)
    {
        Time = time ?? new ManualClock();
        Options = new RateLimitingOptions
        {
            MaxPartitions = maxPartitions,
            Policies = { ["anonymous"] = new() { PermitsPerSecond = permitsPerSecond, Burst = burst } },
            AnonymousCeiling = ceiling ?? new(),
        };
        Clock = new LimiterClock(Time);
        Policies = new PolicySet(Microsoft.Extensions.Options.Options.Create(Options), Clock);
        var ceilingOptions = Options.AnonymousCeiling;
        Table = new PartitionTable(Policies.All.Count, maxPartitions,
            ceilingOptions.Enabled ? (long)(ceilingOptions.Retention.TotalSeconds * Clock.TicksPerSecond) : 0, Clock.TicksPerSecond);
        Global = new RedisTokenBuckets(Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<RedisTokenBuckets>.Instance);
        Ceiling = new AnonymousCeiling(Microsoft.Extensions.Options.Options.Create(Options), Clock);
        Limiter = new ClientRateLimiter(Table, Clock, Global, Ceiling);
    }

    public TimeProvider Time { get; }

    public RateLimitingOptions Options { get; }

    public LimiterClock Clock { get; }

    public PolicySet Policies { get; }

    public PartitionTable Table { get; }

    public RedisTokenBuckets Global { get; }

    public AnonymousCeiling Ceiling { get; }

    public ClientRateLimiter Limiter { get; }

    public TokenBucketPolicy Policy => Policies.Anonymous;

    /// <summary>A request from client number <paramref name="client"/>, identified as the middleware would.</summary>
    public HttpContext Request(int client) => Request(new ClientKey(0, (ulong)client));

    /// <summary>A request from API-key client number <paramref name="client"/> under the same policy.</summary>
    public HttpContext KeyedRequest(int client) => Request(ClientKey.ForApiClient($"client-{client}"));

    private DefaultHttpContext Request(ClientKey client)
    {
        var context = new DefaultHttpContext();
        context.Features.Set(new RateLimitedRequest(Policy, client));
        return context;
    }

    public void Dispose()
    {
        Limiter.Dispose();
        Global.Dispose();
    }
}
