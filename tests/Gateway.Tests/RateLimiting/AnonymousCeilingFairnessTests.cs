using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>
/// Who the anonymous ceiling refuses first, on a clock the test moves in 10 ms steps: a polite guest
/// known since before the pressure keeps being served while floods of fresh or over-rate addresses
/// are refused.
/// </summary>
public sealed class AnonymousCeilingFairnessTests
{
    private const int Guest = 1;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>Per address 10/s burst 20; all anonymous together 100/s burst 40.</summary>
    private static LimiterHarness Harness(int maxPartitions = 100_000) =>
        new(permitsPerSecond: 10, burst: 20, maxPartitions: maxPartitions,
            ceiling: new AnonymousCeilingOptions { Enabled = true, PermitsPerSecond = 100, Burst = 40 });

    [Fact]
    public void A_polite_guest_is_served_throughout_a_flood_that_names_a_fresh_address_in_every_request()
    {
        using var harness = Harness();
        var (guestRefused, floodAdmitted) = Run(harness, seconds: 10, flood: (step, i) => 10_000 + (step * 20) + i, floodPerStep: 20);

        Assert.Equal(0, guestRefused);
        // 2,000 req/s against a 100/s ceiling: the flood got about the ceiling's rate less the guest's
        // 4/s, and its burst, no more.
        Assert.InRange(floodAdmitted, 900, 40 + 1_000);
        Assert.True(harness.Ceiling.RefusedCountOf(CeilingClass.Junior) > 15_000);
        Assert.Equal(0, harness.Ceiling.RefusedCountOf(CeilingClass.Senior));
    }

    [Fact]
    public void A_polite_guest_is_served_while_a_few_addresses_flood_at_many_times_their_rate()
    {
        using var harness = Harness();
        // 20 addresses, each at 100/s (ten times its own 10/s): their own buckets admit 200/s together,
        // twice the ceiling; they are in debt and may draw it only halfway.
        var (guestRefused, floodAdmitted) = Run(harness, seconds: 10, flood: (_, i) => 100 + i, floodPerStep: 20);

        Assert.Equal(0, guestRefused);
        Assert.InRange(floodAdmitted, 900, 1_000 + 40);
        Assert.True(harness.Ceiling.RefusedCountOf(CeilingClass.Debtor) > 500);
    }

    [Fact]
    public void A_polite_guest_is_served_whenever_it_asks_during_the_first_bursts_of_a_few_over_rate_addresses()
    {
        // The flood's addresses are first seen as it starts, before the pressure their bursts begin:
        // 20 × 20 permits of their own against a ceiling of 40. The guest asks at every 10 ms phase of
        // its 250 ms period, so one of its asks falls inside those first bursts.
        for (var phase = 0; phase < 25; phase++)
        {
            using var harness = Harness();
            var (guestRefused, _) = Run(harness, seconds: 2, flood: (_, i) => 100 + i, floodPerStep: 20, guestPhase: phase);

            Assert.True(guestRefused == 0, $"the guest asking at phase {phase} was refused {guestRefused} times");
            Assert.Equal(0, harness.Ceiling.RefusedCountOf(CeilingClass.Senior));
        }
    }

    [Fact]
    public void An_address_is_junior_until_it_has_been_known_for_the_senior_age()
    {
        using var harness = Harness();
        var clock = (ManualClock)harness.Time;
        Assert.True(Take(harness, client: 7));
        var own = harness.Table.Find(harness.Policy, new ClientKey(0, 7), clock.GetTimestamp());
        Assert.Equal(CeilingClass.Junior, harness.Ceiling.Rank(own, clock.GetTimestamp()));

        clock.Advance(TimeSpan.FromMilliseconds(990));
        Assert.Equal(CeilingClass.Junior, harness.Ceiling.Rank(own, clock.GetTimestamp()));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(CeilingClass.Senior, harness.Ceiling.Rank(own, clock.GetTimestamp()));
    }

    [Fact]
    public void Without_seniority_the_same_guest_would_have_been_refused()
    {
        // The control: a guest first seen during the flood is a junior like every flooding address,
        // and shares their refusals. This is what the polite guest suffered before (26 of 27 refused).
        using var harness = Harness();
        var clock = (ManualClock)harness.Time;
        for (var step = 0; step < 100; step++)
        {
            for (var i = 0; i < 20; i++)
            {
                Take(harness, 10_000 + (step * 20) + i);
            }
            clock.Advance(Step);
        }

        var refused = 0;
        for (var step = 0; step < 1_000; step++)
        {
            for (var i = 0; i < 20; i++)
            {
                Take(harness, 50_000 + (step * 20) + i);
            }
            if (step % 25 == 0)
            {
                refused += Take(harness, client: 7) ? 0 : 1;
            }
            clock.Advance(Step);
        }

        Assert.True(refused > 20, $"the newcomer was refused {refused} times of 40");
    }

    [Fact]
    public void An_address_first_seen_during_the_pressure_is_senior_once_the_pressure_has_ended()
    {
        using var harness = Harness();
        var clock = (ManualClock)harness.Time;
        for (var i = 0; i < 200; i++)
        {
            Take(harness, 10_000 + i);
        }
        var now = clock.GetTimestamp();
        var newcomer = harness.Table.Find(harness.Policy, new ClientKey(0, 7), now);
        Assert.Equal(CeilingClass.Junior, harness.Ceiling.Rank(newcomer, now));

        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(CeilingClass.Senior, harness.Ceiling.Rank(newcomer, clock.GetTimestamp()));
    }

    [Fact]
    public void An_address_refused_by_its_own_bucket_is_in_debt_for_the_pressure_window_then_in_good_standing()
    {
        using var harness = Harness();
        var clock = (ManualClock)harness.Time;
        for (var i = 0; i < 25; i++)
        {
            Take(harness, client: 3);
        }
        var own = harness.Table.Find(harness.Policy, new ClientKey(0, 3), clock.GetTimestamp());
        Assert.Equal(CeilingClass.Debtor, harness.Ceiling.Rank(own, clock.GetTimestamp()));

        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(CeilingClass.Senior, harness.Ceiling.Rank(own, clock.GetTimestamp()));
    }

    [Fact]
    public void A_flood_of_new_addresses_keeps_the_table_at_its_cap_and_the_known_guest_keeps_its_partition()
    {
        using var harness = Harness(maxPartitions: 1_000);
        var (guestRefused, _) = Run(harness, seconds: 10, flood: (step, i) => 10_000 + (step * 20) + i, floodPerStep: 20);

        Assert.Equal(0, guestRefused);
        Assert.Equal(1_000, harness.Table.AddressCount);
        Assert.True(harness.Table.OverflowCount > 15_000);

        // The flood's one-shot addresses go at the first sweep once their buckets are full again; the
        // guest, with ten seconds of history, is kept though its bucket is full too, until it has
        // been idle for the retention (2 min).
        var clock = (ManualClock)harness.Time;
        clock.Advance(TimeSpan.FromSeconds(3));
        harness.Table.Sweep(clock.GetTimestamp());
        Assert.Equal(1, harness.Table.AddressCount);
        var guest = harness.Table.Find(harness.Policy, new ClientKey(0, Guest), clock.GetTimestamp());
        Assert.True(guest.FirstSeen < clock.GetTimestamp() - (10 * ManualClock.TicksPerSecond), "the guest's partition was not the one kept");
        Assert.Equal(1, harness.Table.AddressCount);
        clock.Advance(TimeSpan.FromMinutes(2));
        harness.Table.Sweep(clock.GetTimestamp());
        Assert.Equal(0, harness.Table.AddressCount);
    }

    /// <summary>
    /// The guest asks once, then 1 s later the flood starts: <paramref name="floodPerStep"/> requests
    /// every 10 ms from the addresses <paramref name="flood"/> names, and the guest one every 250 ms,
    /// the first <paramref name="guestPhase"/> steps into the flood.
    /// </summary>
    private static (int GuestRefused, int FloodAdmitted) Run(LimiterHarness harness, int seconds, Func<int, int, int> flood, int floodPerStep, int guestPhase = 0)
    {
        var clock = (ManualClock)harness.Time;
        Assert.True(Take(harness, Guest));
        clock.Advance(TimeSpan.FromSeconds(1));

        var guestRefused = 0;
        var floodAdmitted = 0;
        for (var step = 0; step < seconds * 100; step++)
        {
            for (var i = 0; i < floodPerStep; i++)
            {
                floodAdmitted += Take(harness, flood(step, i)) ? 1 : 0;
            }
            if (step % 25 == guestPhase)
            {
                guestRefused += Take(harness, Guest) ? 0 : 1;
            }
            clock.Advance(Step);
        }
        return (guestRefused, floodAdmitted);
    }

    private static bool Take(LimiterHarness harness, int client)
    {
        using var lease = harness.Limiter.AttemptAcquire(harness.Request(client));
        return lease.IsAcquired;
    }
}
