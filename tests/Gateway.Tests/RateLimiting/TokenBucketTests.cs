using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    private const long Second = ManualClock.TicksPerSecond;

    // 10 permits per second (one every 100 ms), burst 5.
    private static readonly TokenBucketPolicy Policy = new("test", 0, permitsPerSecond: 10, burst: 5, Second);

    [Fact]
    public void A_new_bucket_admits_exactly_its_burst_at_once()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;

        var admitted = Enumerable.Range(0, 20).Count(attempt => bucket.TryTake(now, 1, Policy, out _) == TakeResult.Admitted);

        Assert.Equal(5, admitted);
    }

    [Fact]
    public void An_emptied_bucket_earns_one_permit_per_emission_interval()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;
        Drain(bucket, now);

        Assert.Equal(TakeResult.Denied, bucket.TryTake(now + (Second / 10) - 1, 1, Policy, out _));
        Assert.Equal(TakeResult.Admitted, bucket.TryTake(now + (Second / 10), 1, Policy, out _));
        Assert.Equal(TakeResult.Denied, bucket.TryTake(now + (Second / 10), 1, Policy, out _));
        // Half a second later five more, never more than the burst however long it waits.
        Assert.Equal(5, Drain(bucket, now + (6 * Second / 10)));
        Assert.Equal(5, Drain(bucket, now + (100 * Second)));
    }

    [Fact]
    public void A_refusal_says_exactly_when_a_permit_will_be_there_and_writes_nothing()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;
        Drain(bucket, now);
        var before = bucket.TheoreticalArrival;

        Assert.Equal(TakeResult.Denied, bucket.TryTake(now + 30_000, 1, Policy, out var wait));

        Assert.Equal((Second / 10) - 30_000, wait);
        Assert.Equal(before, bucket.TheoreticalArrival);
        Assert.Equal(TakeResult.Admitted, bucket.TryTake(now + 30_000 + wait, 1, Policy, out _));
    }

    [Fact]
    public void Taking_several_permits_costs_several_intervals()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;

        Assert.Equal(TakeResult.Admitted, bucket.TryTake(now, 3, Policy, out var backlog));
        Assert.Equal(3 * Second / 10, backlog);
        Assert.Equal(TakeResult.Denied, bucket.TryTake(now, 3, Policy, out var wait));
        Assert.Equal(Second / 10, wait);
        Assert.Equal(TakeResult.Admitted, bucket.TryTake(now, 2, Policy, out _));
    }

    [Fact]
    public void Zero_permits_asks_without_taking()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;

        Assert.Equal(TakeResult.Admitted, bucket.TryTake(now, 0, Policy, out _));
        Assert.Equal(5, Drain(bucket, now));
        Assert.Equal(TakeResult.Denied, bucket.TryTake(now, 0, Policy, out var wait));
        Assert.Equal(Second / 10, wait);
    }

    [Fact]
    public void A_clock_that_goes_backwards_buys_no_permits_and_the_bucket_recovers_when_it_moves_on()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;
        Drain(bucket, now);

        // Ten seconds back: the bucket is further from full than ever, so nothing is admitted.
        Assert.Equal(0, Drain(bucket, now - (10 * Second)));
        Assert.Equal(TakeResult.Denied, bucket.TryTake(now - (10 * Second), 1, Policy, out var wait));
        Assert.True(wait > 10 * Second);
        // Back at the original time nothing was lost or gained; forward again, the refill resumes.
        Assert.Equal(0, Drain(bucket, now));
        Assert.Equal(1, Drain(bucket, now + (Second / 10)));
    }

    [Fact]
    public void A_rate_that_does_not_divide_the_clock_rounds_towards_stricter()
    {
        var policy = new TokenBucketPolicy("thirds", 0, permitsPerSecond: 3, burst: 1, Second);
        var bucket = new TokenBucket();
        var start = 50 * Second;
        var admitted = 0;
        // One clock tick at a time over 10 s: exactly 1 + 3 × 10 would be the bound; rounding can only lose one.
        for (var t = start; t <= start + (10 * Second); t += 1_000)
        {
            admitted += Drain(bucket, t, policy);
        }

        Assert.Equal(333_334, policy.EmissionInterval);
        Assert.InRange(admitted, 30, 31);
    }

    [Fact]
    public void Only_a_full_bucket_can_be_evicted_and_an_evicted_bucket_refuses_to_be_used()
    {
        var bucket = new TokenBucket();
        var now = 50 * Second;
        Assert.Equal(TakeResult.Admitted, bucket.TryTake(now, 1, Policy, out _));

        Assert.False(bucket.TryEvict(now));
        Assert.True(bucket.TryEvict(now + (Second / 10)));
        Assert.True(bucket.IsEvicted);
        Assert.False(bucket.TryEvict(now + Second));
        Assert.Equal(TakeResult.Evicted, bucket.TryTake(now + Second, 1, Policy, out _));
    }

    [Theory]
    [InlineData(200, 400, "\"standard\";q=400;w=2")]
    [InlineData(0.5, 1, "\"standard\";q=1;w=2")]
    [InlineData(1000, 10, "\"standard\";q=10;w=1")]
    public void The_policy_header_states_burst_and_seconds_to_refill(double rate, int burst, string expected)
    {
        Assert.Equal(expected, new TokenBucketPolicy("standard", 0, rate, burst, Second).PolicyHeader);
    }

    [Theory]
    [InlineData(0, 5, 0)]
    [InlineData(Second / 10, 4, 0)]
    [InlineData(5 * Second / 10, 0, 0)]
    public void Remaining_and_reset_are_read_off_the_backlog(long backlog, long remaining, long reset)
    {
        Assert.Equal(remaining, Policy.RemainingAfter(backlog));
        Assert.Equal(reset, Policy.SecondsUntilFull(backlog));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(Second, 1)]
    [InlineData(Second + 1, 2)]
    [InlineData(7 * Second / 2, 4)]
    public void Retry_after_is_whole_seconds_rounded_up_and_at_least_one(long wait, long seconds)
    {
        Assert.Equal(seconds, Policy.RetryAfterSeconds(wait));
    }

    private static int Drain(TokenBucket bucket, long now, TokenBucketPolicy? policy = null)
    {
        var admitted = 0;
        while (admitted < 10_000_000 && bucket.TryTake(now, 1, policy ?? Policy, out _) == TakeResult.Admitted)
        {
            admitted++;
        }
        return admitted;
    }
}
