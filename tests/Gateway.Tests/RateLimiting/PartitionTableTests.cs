using System.Threading.RateLimiting;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

public sealed class PartitionTableTests
{
    [Fact]
    public void Each_client_gets_its_own_bucket()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1, burst: 2);

        Assert.Equal(2, AdmittedOf(harness, client: 1, attempts: 5));
        Assert.Equal(2, AdmittedOf(harness, client: 2, attempts: 5));
        Assert.Equal(2, harness.Table.LiveCount);
    }

    [Fact]
    public void Over_the_cap_new_clients_share_one_overflow_bucket_and_existing_clients_keep_theirs()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1, burst: 2, maxPartitions: 3);
        for (var client = 1; client <= 3; client++)
        {
            Assert.Equal(1, AdmittedOf(harness, client, attempts: 1));
        }

        // A flood of 1,000 new clients: no new buckets, and together they get one bucket's burst.
        var flood = Enumerable.Range(100, 1_000).Sum(client => AdmittedOf(harness, client, attempts: 1));

        Assert.Equal(2, flood);
        Assert.Equal(3, harness.Table.LiveCount);
        Assert.Equal(1_000, harness.Table.OverflowCount);
        // The clients that already had a bucket still have the rest of their burst.
        Assert.Equal(1, AdmittedOf(harness, client: 1, attempts: 5));
    }

    [Fact]
    public void The_sweep_frees_idle_partitions_so_new_clients_get_their_own_again()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1, burst: 2, maxPartitions: 2);
        var clock = (ManualClock)harness.Time;
        AdmittedOf(harness, client: 1, attempts: 2);
        AdmittedOf(harness, client: 2, attempts: 2);

        Assert.Equal(0, harness.Table.Sweep(clock.GetTimestamp()));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, harness.Table.Sweep(clock.GetTimestamp()));

        Assert.Equal(0, harness.Table.LiveCount);
        Assert.Equal(2, AdmittedOf(harness, client: 3, attempts: 5));
        Assert.Equal(0, harness.Table.OverflowCount);
    }

    [Fact]
    public void An_address_seen_once_goes_when_its_bucket_is_full_and_one_with_a_history_is_kept_for_the_retention()
    {
        // With the anonymous ceiling on, address partitions carry seniority and are retained (2 min).
        using var harness = new LimiterHarness(permitsPerSecond: 10, burst: 2,
            ceiling: new AnonymousCeilingOptions { Enabled = true, PermitsPerSecond = 100, Burst = 100 });
        var clock = (ManualClock)harness.Time;
        AdmittedOf(harness, client: 1, attempts: 1);          // a flood's one-shot address
        for (var second = 0; second < 3; second++)             // a guest asking once a second for 3 s
        {
            AdmittedOf(harness, client: 2, attempts: 1);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        clock.Advance(TimeSpan.FromSeconds(2));                // both buckets full again
        Assert.Equal(1, harness.Table.Sweep(clock.GetTimestamp()));
        Assert.Equal(1, harness.Table.AddressCount);

        clock.Advance(TimeSpan.FromMinutes(2));                // the guest idle for the retention
        Assert.Equal(1, harness.Table.Sweep(clock.GetTimestamp()));
        Assert.Equal(0, harness.Table.AddressCount);
    }

    [Fact]
    public void Concurrent_first_requests_never_push_the_live_count_past_the_cap()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1_000, burst: 1_000, maxPartitions: 500);

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var client = 0; client < 2_000; client++)
            {
                using var lease = harness.Limiter.AttemptAcquire(harness.Request((worker * 2_000) + client));
            }
        });

        Assert.Equal(500, harness.Table.LiveCount);
        Assert.Equal((8 * 2_000) - 500, harness.Table.OverflowCount);
    }

    [Fact]
    public void A_refusal_carries_retry_after_and_the_request_records_the_decision()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 2, burst: 1);
        var context = harness.Request(client: 1);
        var request = context.Features.Get<RateLimitedRequest>()!;

        using (var first = harness.Limiter.AttemptAcquire(context))
        {
            Assert.True(first.IsAcquired);
            Assert.Equal(RateLimitOutcome.Admitted, request.Outcome);
            Assert.Equal(0, request.Policy.RemainingAfter(request.Backlog));
        }

        using var second = harness.Limiter.AttemptAcquire(context);
        Assert.False(second.IsAcquired);
        // The next permit is 500 ms away; the lease says so in the header's whole seconds, rounded up.
        Assert.True(second.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        Assert.Equal(RateLimitOutcome.Rejected, request.Outcome);
        Assert.Equal(1, request.Policy.RetryAfterSeconds(request.Wait));
    }

    [Fact]
    public void Refusals_with_the_same_retry_after_share_one_lease_and_allocate_nothing()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1, burst: 1);
        var context = harness.Request(client: 1);
        harness.Limiter.AttemptAcquire(context).Dispose();
        var first = harness.Limiter.AttemptAcquire(context);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Same(first, harness.Limiter.AttemptAcquire(context));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void More_permits_than_the_burst_can_never_be_granted_and_say_so()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 2, burst: 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Limiter.AttemptAcquire(harness.Request(1), 4));
    }

    [Fact]
    public void A_request_the_gateway_does_not_limit_is_admitted_untouched()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 1, burst: 1);

        using var lease = harness.Limiter.AttemptAcquire(new Microsoft.AspNetCore.Http.DefaultHttpContext());

        Assert.True(lease.IsAcquired);
        Assert.Equal(0, harness.Table.LiveCount);
    }

    private static int AdmittedOf(LimiterHarness harness, int client, int attempts)
    {
        var context = harness.Request(client);
        var admitted = 0;
        for (var i = 0; i < attempts; i++)
        {
            using var lease = harness.Limiter.AttemptAcquire(context);
            admitted += lease.IsAcquired ? 1 : 0;
        }
        return admitted;
    }
}
