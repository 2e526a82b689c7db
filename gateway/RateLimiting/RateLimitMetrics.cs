using Prometheus;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// The limiter's numbers on /metrics: decisions by policy and outcome, live partitions against the
/// cap, overflow and eviction counts, and in global mode whether Redis is deciding. The table and
/// Redis state keep plain counters; they are copied into the exported series when Prometheus scrapes.
/// </summary>
internal sealed class RateLimitMetrics
{
    private readonly Counter.Child[] _admitted;
    private readonly Counter.Child[] _rejected;

    public RateLimitMetrics(PolicySet policies, PartitionTable table, RedisTokenBuckets global, AnonymousCeiling ceiling)
    {
        var decisions = Metrics.CreateCounter("gateway_ratelimit_decisions_total",
            "Rate-limit decisions on proxied requests, by policy and outcome (admitted, rejected).",
            new CounterConfiguration { LabelNames = ["policy", "outcome"] });
        _admitted = [.. policies.All.Select(p => decisions.WithLabels(p.Name, "admitted"))];
        _rejected = [.. policies.All.Select(p => decisions.WithLabels(p.Name, "rejected"))];

        var partitions = Metrics.CreateGauge("gateway_ratelimit_partitions", "Live rate-limit partitions (one token bucket per policy and client).");
        var capacity = Metrics.CreateGauge("gateway_ratelimit_partitions_max", "The cap on live partitions (RateLimiting:MaxPartitions).");
        var overflow = Metrics.CreateCounter("gateway_ratelimit_partition_overflow_total",
            "Requests charged to a policy's shared overflow bucket because live partitions were at the cap.");
        var evictions = Metrics.CreateCounter("gateway_ratelimit_partition_evictions_total", "Idle partitions evicted by the sweep.");
        var mode = Metrics.CreateGauge("gateway_ratelimit_global_mode",
            "1 while Redis decides (global mode), 0 while this gateway falls back to local buckets; absent without Redis.");
        var fallbacks = Metrics.CreateCounter("gateway_ratelimit_global_fallbacks_total",
            "Requests decided by local buckets because Redis could not answer.");

        var ceilingRefusals = Metrics.CreateCounter("gateway_ratelimit_anonymous_ceiling_rejections_total",
            "Anonymous requests their own per-IP bucket admitted and the shared anonymous ceiling refused (also counted as rejected under policy anonymous).");

        var byClass = Metrics.CreateCounter("gateway_ratelimit_anonymous_ceiling_class_rejections_total",
            "Anonymous requests the shared ceiling refused, by how it ranked the address: debtor (over its own rate lately), junior (first seen during the pressure, or over the partition cap), senior.",
            new CounterConfiguration { LabelNames = ["class"] });
        var classes = Enum.GetValues<CeilingClass>().Select(rank => (rank, child: byClass.WithLabels(rank.ToString().ToLowerInvariant()))).ToArray();
        var addresses = Metrics.CreateGauge("gateway_ratelimit_address_partitions", "Live partitions of anonymous addresses, the ones RateLimiting:MaxPartitions caps.");

        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            ceilingRefusals.IncTo(ceiling.RefusedCount);
            foreach (var (rank, child) in classes)
            {
                child.IncTo(ceiling.RefusedCountOf(rank));
            }
            addresses.Set(table.AddressCount);
            partitions.Set(table.LiveCount);
            capacity.Set(table.Capacity);
            overflow.IncTo(table.OverflowCount);
            evictions.IncTo(table.EvictedCount);
            if (global.IsConfigured)
            {
                mode.Set(global.IsActive ? 1 : 0);
                fallbacks.IncTo(global.FallbackCount);
            }
        });
    }

    public void Count(RateLimitedRequest request)
    {
        switch (request.Outcome)
        {
            case RateLimitOutcome.Admitted:
                _admitted[request.Policy.Index].Inc();
                break;
            case RateLimitOutcome.Rejected:
                _rejected[request.Policy.Index].Inc();
                break;
            default:
                break;
        }
    }
}
