using System.Threading.RateLimiting;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>The shared bucket every anonymous client draws on, on a clock the test moves.</summary>
public sealed class AnonymousCeilingTests
{
    /// <summary>Per IP: 10/s, burst 20, far more than any one address here sends.</summary>
    private static LimiterHarness Harness(double perSecond = 100, int burst = 50) =>
        new(permitsPerSecond: 10, burst: 20, ceiling: new AnonymousCeilingOptions { Enabled = true, PermitsPerSecond = perSecond, Burst = burst });

    [Fact]
    public void Many_addresses_each_within_their_own_limit_get_the_ceiling_together_and_its_rate_after()
    {
        using var harness = Harness();
        var clock = (ManualClock)harness.Time;

        // Addresses nobody knew a second ago are junior: together they may draw the ceiling only to
        // the burst less the seniors' reserve (50 - 13 = 37).
        Assert.Equal(37, Admitted(harness, clients: 0..1_000));

        // A quarter of a second refills 25 permits, and new addresses take them back down to 37.
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(25, Admitted(harness, clients: 1_000..2_000));
        // Once the pressure has ended (10 s without a refusal) the first thousand are known, so senior:
        // they get the whole burst, and a long pause refills no more than the burst.
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(50, Admitted(harness, clients: 0..1_000));
        Assert.Equal(963 + 975 + 950, harness.Ceiling.RefusedCount);
        Assert.Equal(963 + 975, harness.Ceiling.RefusedCountOf(CeilingClass.Junior));
        // Seniors beyond the whole burst are refused among themselves, first come first served.
        Assert.Equal(950, harness.Ceiling.RefusedCountOf(CeilingClass.Senior));
    }

    [Fact]
    public void Keyed_clients_are_never_charged_to_the_ceiling_nor_refused_by_it()
    {
        using var harness = Harness(perSecond: 1, burst: 1);

        Assert.Equal(1, Admitted(harness, clients: 0..10));
        for (var client = 0; client < 10; client++)
        {
            using var keyed = harness.Limiter.AttemptAcquire(harness.KeyedRequest(client));
            Assert.True(keyed.IsAcquired);
        }
        Assert.Equal(9, harness.Ceiling.RefusedCount);
    }

    [Fact]
    public void A_refusal_by_the_ceiling_speaks_for_the_ceiling_in_its_headers_and_retry_after()
    {
        using var harness = Harness(perSecond: 0.5, burst: 1);
        Assert.Equal(1, Admitted(harness, clients: 0..1));

        var context = harness.Request(client: 7);
        var request = context.Features.Get<RateLimitedRequest>()!;
        using var refused = harness.Limiter.AttemptAcquire(context);

        Assert.False(refused.IsAcquired);
        Assert.Equal(RateLimitOutcome.Rejected, request.Outcome);
        Assert.Equal("anonymous-total", request.Limit.Name);
        Assert.Same(harness.Policy, request.Policy);
        // One permit every 2 s, and the only one was just taken.
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.Equal(0, request.Limit.RemainingAfter(request.Backlog));

        // The next decision for the same request object speaks for its own policy again.
        ((ManualClock)harness.Time).Advance(TimeSpan.FromSeconds(2));
        using var admitted = harness.Limiter.AttemptAcquire(context);
        Assert.True(admitted.IsAcquired);
        Assert.Same(harness.Policy, request.Limit);
    }

    [Fact]
    public void A_refused_address_is_still_refused_by_its_own_bucket_first()
    {
        // Own bucket burst 20; the ceiling is wide. One address sending 30 at once gets its own 20.
        using var harness = Harness(perSecond: 1_000, burst: 1_000);
        var admitted = 0;
        for (var i = 0; i < 30; i++)
        {
            using var lease = harness.Limiter.AttemptAcquire(harness.Request(client: 1));
            admitted += lease.IsAcquired ? 1 : 0;
        }

        Assert.Equal(20, admitted);
        Assert.Equal(0, harness.Ceiling.RefusedCount);
    }

    [Fact]
    public void Eight_threads_of_distinct_addresses_admit_exactly_the_ceilings_burst_less_the_seniors_reserve()
    {
        // 8,000 new addresses are junior: 500 less a quarter kept for seniors.
        using var harness = Harness(perSecond: 100, burst: 500);
        var admitted = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var mine = Admitted(harness, clients: (worker * 1_000)..((worker + 1) * 1_000));
            Interlocked.Add(ref admitted, mine);
        });

        Assert.Equal(375, admitted);
        Assert.Equal(8_000 - 375, harness.Ceiling.RefusedCount);
    }

    [Fact]
    public void Switched_off_it_refuses_nobody()
    {
        using var harness = new LimiterHarness(permitsPerSecond: 10, burst: 20);

        Assert.Null(harness.Ceiling.Policy);
        Assert.Equal(5_000, Admitted(harness, clients: 0..5_000));
        Assert.Equal(0, harness.Ceiling.RefusedCount);
    }

    /// <summary>One request from each client in <paramref name="clients"/>; how many were admitted.</summary>
    private static int Admitted(LimiterHarness harness, Range clients)
    {
        var admitted = 0;
        for (var client = clients.Start.Value; client < clients.End.Value; client++)
        {
            using var lease = harness.Limiter.AttemptAcquire(harness.Request(client));
            admitted += lease.IsAcquired ? 1 : 0;
        }
        return admitted;
    }
}
