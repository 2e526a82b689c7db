using System.Diagnostics;
using Platform.Gateway.Hedging;

namespace Platform.Gateway.Tests.Hedging;

public class HedgeBudgetTests
{
    [Fact]
    public void A_full_budget_allows_its_burst_then_one_copy_per_twenty_requests()
    {
        var budget = new HedgeBudget(ratio: 0.05, burst: 20);
        var burst = 0;
        while (budget.TryWithdraw())
            burst++;
        Assert.Equal(20, burst);

        var copies = 0;
        for (var request = 0; request < 1000; request++)
        {
            budget.Deposit();
            if (budget.TryWithdraw())
                copies++;
        }
        Assert.Equal(50, copies);
    }

    [Fact]
    public void Unspent_budget_is_saved_only_up_to_the_burst()
    {
        var budget = new HedgeBudget(ratio: 0.5, burst: 3);
        for (var request = 0; request < 1000; request++)
            budget.Deposit();

        var copies = 0;
        while (budget.TryWithdraw())
            copies++;
        Assert.InRange(copies, 3, 4);
    }

    [Fact]
    public void Threads_withdrawing_at_once_never_take_more_than_was_deposited()
    {
        var budget = new HedgeBudget(ratio: 0.05, burst: 20);
        var copies = 0;
        Parallel.For(0, 8, _ =>
        {
            for (var request = 0; request < 10_000; request++)
            {
                budget.Deposit();
                if (budget.TryWithdraw())
                    Interlocked.Increment(ref copies);
            }
        });
        // 80,000 requests at 5 % plus the initial burst.
        Assert.InRange(copies, 1, 4000 + 20);
    }

    [Fact]
    public void The_hedge_delay_follows_the_95th_percentile_of_recent_answers()
    {
        var quantile = new LatencyQuantile(TimeSpan.FromMilliseconds(20));
        Assert.Equal(20, quantile.P95.TotalMilliseconds, 1);

        // 1..100 ms, repeated: the 95th percentile is about 95 ms.
        for (var i = 0; i < 1024; i++)
            quantile.Add((1 + i % 100) * Stopwatch.Frequency / 1000);
        Assert.InRange(quantile.P95.TotalMilliseconds, 90, 100);

        // The replicas became fast: the estimate follows within a ring's worth of answers.
        for (var i = 0; i < 1024; i++)
            quantile.Add(2 * Stopwatch.Frequency / 1000);
        Assert.Equal(2, quantile.P95.TotalMilliseconds, 1);
    }
}
