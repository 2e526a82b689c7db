using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

/// <summary>The configured policies, each with its index into the partition table.</summary>
internal sealed class PolicySet
{
    private readonly FrozenDictionary<string, TokenBucketPolicy> _byName;

    public PolicySet(IOptions<RateLimitingOptions> options, LimiterClock clock)
        : this(options.Value.Policies, clock.TicksPerSecond)
    {
    }

    public PolicySet(IReadOnlyDictionary<string, RateLimitPolicyOptions> policies, long ticksPerSecond)
    {
        All = [.. policies.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select((p, index) => new TokenBucketPolicy(p.Key, index, p.Value.PermitsPerSecond, p.Value.Burst, ticksPerSecond))];
        _byName = All.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        Anonymous = _byName[RateLimitingOptionsValidator.AnonymousPolicy];
    }

    public IReadOnlyList<TokenBucketPolicy> All { get; }

    public TokenBucketPolicy Anonymous { get; }

    public bool TryGet(string name, out TokenBucketPolicy policy) => _byName.TryGetValue(name, out policy!);

    public TokenBucketPolicy this[string name] => _byName[name];
}
