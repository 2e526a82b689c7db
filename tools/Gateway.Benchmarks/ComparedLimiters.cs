using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// The gateway's limiter and the framework's partitioned token bucket, built for one policy. Both find
/// the client the same way, with <see cref="RateLimitedRequest.Of"/> (the feature that
/// <see cref="ClientPolicySelection"/> sets), so the comparison is of what happens after that.
/// </summary>
internal static class ComparedLimiters
{
    /// <summary>Admits everything a run can ask for: a burst of 10^9 and 10^9 permits per second.</summary>
    public static readonly RateLimitPolicyOptions Generous = new() { PermitsPerSecond = 1_000_000_000, Burst = 1_000_000_000 };

    /// <summary>One permit a second: after the first acquire of a run, nearly everything is refused.</summary>
    public static readonly RateLimitPolicyOptions Stingy = new() { PermitsPerSecond = 1, Burst = 1 };

    public const string PolicyName = RateLimitingOptionsValidator.AnonymousPolicy;

    /// <summary>The policy as the gateway holds it, for the requests' features (the framework ignores it).</summary>
    public static PolicySet Policies(RateLimitPolicyOptions policy) =>
        new(new Dictionary<string, RateLimitPolicyOptions> { [PolicyName] = policy }, TimeProvider.System.TimestampFrequency);

    /// <summary>An anonymous ceiling no run reaches, to measure what drawing on the shared bucket costs.</summary>
    public static readonly AnonymousCeilingOptions UnreachedCeiling = new() { Enabled = true, PermitsPerSecond = 1e9, Burst = 1_000_000_000 };

    public static (PartitionedRateLimiter<HttpContext> Limiter, PolicySet Policies, IDisposable Owned) Ours(
        RateLimitPolicyOptions policy, int maxPartitions, AnonymousCeilingOptions? ceiling = null)
    {
        var options = Options.Create(new RateLimitingOptions
        {
            MaxPartitions = maxPartitions,
            Policies = { [PolicyName] = policy },
            AnonymousCeiling = ceiling ?? new(),
            Redis = "",
        });
        var clock = new LimiterClock(TimeProvider.System);
        var policies = new PolicySet(options, clock);
        var table = new PartitionTable(policies.All.Count, maxPartitions);
        var global = new RedisTokenBuckets(options, clock, NullLogger<RedisTokenBuckets>.Instance);
        return (new ClientRateLimiter(table, clock, global, new AnonymousCeiling(options, clock)), policies, global);
    }

    /// <summary>
    /// <see cref="PartitionedRateLimiter.Create{TResource,TPartitionKey}"/> with a token bucket per client,
    /// the way the framework's rate-limiting documentation builds one, with no queue (refuse at once,
    /// as the gateway does). The options and factory are made once, so the partitioner allocates nothing
    /// per call and the framework is measured at its best.
    /// </summary>
    public static PartitionedRateLimiter<HttpContext> Framework(RateLimitPolicyOptions policy)
    {
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = policy.Burst,
            TokensPerPeriod = checked((int)policy.PermitsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = true,
            QueueLimit = 0,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        Func<ClientKey, TokenBucketRateLimiterOptions> factory = _ => options;
        return PartitionedRateLimiter.Create<HttpContext, ClientKey>(context =>
            RateLimitPartition.GetTokenBucketLimiter(RateLimitedRequest.Of(context)!.Client, factory));
    }
}
