using System.Threading.RateLimiting;
using Platform.Contracts.Tracing;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// The gateway's limiter, plugged into ASP.NET Core's rate-limiting middleware as its global
/// limiter. Each request's policy and client were settled by <see cref="ClientPolicySelection"/>;
/// here they pick a <see cref="TokenBucket"/> from the <see cref="PartitionTable"/> and take a permit.
/// The hot path is a feature lookup, a lock-free map read, a clock read and one compare-and-swap
/// (two for an anonymous request under the <see cref="AnonymousCeiling"/>): no lock, no timer, no allocation. In global mode the same algorithm runs in Redis, and the local
/// buckets stand in whenever Redis cannot answer.
/// </summary>
internal sealed class ClientRateLimiter(PartitionTable table, LimiterClock clock, RedisTokenBuckets global, AnonymousCeiling ceiling)
    : PartitionedRateLimiter<HttpContext>
{
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        // No identity means the request is not one the gateway limits (identification skipped it).
        if (RateLimitedRequest.Of(resource) is not { } request)
        {
            return BucketLease.Admitted;
        }
        if (global.IsActive)
        {
            return BucketLease.Deferred;
        }
        if (global.IsConfigured)
        {
            global.CountFallback();
        }
        return AcquireLocally(request, permitCount);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        if (RateLimitedRequest.Of(resource) is not { } request)
        {
            return ValueTask.FromResult<RateLimitLease>(BucketLease.Admitted);
        }
        // There is no queue: a request is admitted or refused now, and told when to come back. The
        // middleware asks here only after AttemptAcquire refused; that refusal stands, so a flood of
        // refused requests costs one lookup each.
        if (request.Outcome == RateLimitOutcome.Rejected)
        {
            return ValueTask.FromResult<RateLimitLease>(BucketLease.Refused(request.Limit.RetryAfterSeconds(request.Wait)));
        }
        return global.IsActive
            ? AcquireGloballyAsync(request, permitCount)
            : ValueTask.FromResult<RateLimitLease>(AcquireLocally(request, permitCount));
    }

    internal RateLimitLease AcquireLocally(RateLimitedRequest request, int permitCount)
    {
        var policy = request.Policy;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, policy.Burst);
        var now = clock.Now();
        // Bounded: a bucket is evicted at most once, and its replacement is fresh.
        for (var attempt = 0; ; attempt++)
        {
            var bucket = table.Find(policy, request.Client, now);
            switch (bucket.TryTake(now, permitCount, policy, out var ticks))
            {
                case TakeResult.Admitted:
                    return WithinCeiling(request, bucket, now, permitCount, ticks);
                case TakeResult.Denied:
                    // Over its own rate: the ceiling ranks the address as in debt for a while.
                    bucket.MarkRefused(now, ceiling.Granularity);
                    request.Reject(bucket.BacklogAt(now), ticks);
                    return BucketLease.Refused(policy.RetryAfterSeconds(ticks));
                default:
                    if (attempt > 8)
                    {
                        throw new InvalidOperationException("A rate-limit partition kept being evicted under an acquire.");
                    }
                    table.Forget(policy, request.Client, bucket);
                    break;
            }
        }
    }

    /// <summary>
    /// The request's own bucket admitted it (drawn down to <paramref name="backlog"/>); an anonymous
    /// one must also fit under the shared ceiling. A refusal there keeps the own permit taken: the
    /// client was within its limit, but the request still counts against it, which only errs strict.
    /// </summary>
    private BucketLease WithinCeiling(RateLimitedRequest request, TokenBucket? own, long now, int permitCount, long backlog)
    {
        if (!ceiling.TryAdmit(request, own, now, permitCount, out var ceilingBacklog, out var wait))
        {
            request.Reject(ceilingBacklog, wait, ceiling.Policy);
            // A refusal by the shared ceiling (not by the client's own rate) is the platform's pressure: traced.
            KeptTraces.Keep(System.Diagnostics.Activity.Current);
            return BucketLease.Refused(ceiling.Policy!.RetryAfterSeconds(wait));
        }
        request.Admit(backlog);
        return BucketLease.Admitted;
    }

    private async ValueTask<RateLimitLease> AcquireGloballyAsync(RateLimitedRequest request, int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, request.Policy.Burst);
        if (await global.TryTakeAsync(request.Policy, request.Client, permitCount) is not { } decision)
        {
            global.CountFallback();
            return AcquireLocally(request, permitCount);
        }
        var now = clock.Now();
        // Redis decided the address's rate; its seniority and debt are this gateway's own memory, in
        // the local partition (kept by the sweep like any other, and never drawn on here).
        var local = ceiling.Policy is null || request.Client.IsApiClient ? null : table.Find(request.Policy, request.Client, now);
        if (decision.Admitted)
        {
            // Mirrored locally (its answer ignored), so the sweep sees the address active and keeps
            // its seniority; an idle local bucket would be evicted at the next sweep.
            local?.TryTake(now, permitCount, request.Policy, out _);
            return WithinCeiling(request, local, now, permitCount, decision.Backlog);
        }
        local?.MarkRefused(now, ceiling.Granularity);
        request.Reject(decision.Backlog, decision.Wait);
        return BucketLease.Refused(request.Policy.RetryAfterSeconds(decision.Wait));
    }
}
