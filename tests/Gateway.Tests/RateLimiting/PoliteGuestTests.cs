using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>
/// The polite guest: an anonymous guest on its own address reading (health and availability) at
/// 4 req/s since before the flood is never refused, while the anonymous ceiling refuses a flood
/// through the trusted proxy, first one naming a new address in every request, then a few addresses
/// at many times their own rate. Real gateway, real replicas; the ceiling is small so the flood is cheap.
/// </summary>
public sealed class PoliteGuestTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    /// <summary>The guest's own loopback address (the flood comes from 127.0.0.1, the trusted proxy).</summary>
    private static readonly IPAddress GuestAddress = IPAddress.Parse("127.0.0.5");

    private static readonly TimeSpan FloodTime = TimeSpan.FromSeconds(6);
    private const int FloodMaxRequests = 40_000;
    private const int FloodWorkers = 6;

    [Fact]
    public async Task A_polite_guest_is_never_refused_while_a_flood_names_a_new_address_in_every_request()
    {
        var gateway = await StartGatewayAsync(Settings());
        var next = 0;
        var (guest, flood) = await RunAsync(gateway, () =>
        {
            var n = Interlocked.Increment(ref next);
            return string.Create(CultureInfo.InvariantCulture, $"10.{(n >> 16) & 0xff}.{(n >> 8) & 0xff}.{n & 0xff}");
        });

        Assert.True(guest.Refused == 0 && guest.Other == 0, $"the guest got {guest}");
        Assert.True(guest.Admitted >= 20, $"the guest got {guest}");
        Assert.True(flood.Refused > flood.Admitted, $"the flood was not held back: {flood}");
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.True(PrometheusText.Value(metrics, "gateway_ratelimit_anonymous_ceiling_class_rejections_total", "class=\"junior\"") > 0);
    }

    [Fact]
    public async Task A_polite_guest_is_never_refused_while_a_few_addresses_flood_at_many_times_their_rate()
    {
        var gateway = await StartGatewayAsync(Settings());
        var next = 0;
        // Eight addresses, each asked as fast as six workers can (hundreds a second) against its own 10/s:
        // their own buckets still admit 80/s together, twice the ceiling.
        var (guest, flood) = await RunAsync(gateway, () =>
            string.Create(CultureInfo.InvariantCulture, $"10.9.9.{1 + (Interlocked.Increment(ref next) % 8)}"));

        Assert.True(guest.Refused == 0 && guest.Other == 0, $"the guest got {guest}");
        Assert.True(guest.Admitted >= 20, $"the guest got {guest}");
        Assert.True(flood.Refused > flood.Admitted, $"the flood was not held back: {flood}");
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.True(PrometheusText.Value(metrics, "gateway_ratelimit_anonymous_ceiling_class_rejections_total", "class=\"debtor\"") > 0);
    }

    /// <summary>Per address 10/s burst 20; all anonymous clients together 40/s burst 40; 127.0.0.1 is the trusted proxy.</summary>
    private static Dictionary<string, string> Settings() => Merge(
        Policy("anonymous", 10, 20),
        new Dictionary<string, string>
        {
            ["RateLimiting__TrustedProxies__0"] = "127.0.0.1",
            ["RateLimiting__AnonymousCeiling__Enabled"] = "true",
            ["RateLimiting__AnonymousCeiling__PermitsPerSecond"] = "40",
            ["RateLimiting__AnonymousCeiling__Burst"] = "40",
        });

    /// <summary>
    /// The guest reads for 1.5 s alone, then the flood runs (at most <see cref="FloodTime"/> and
    /// <see cref="FloodMaxRequests"/>) while the guest goes on; both stop together.
    /// </summary>
    private async Task<(Counts Guest, Counts Flood)> RunAsync(GatewayProcess gateway, Func<string> floodAddress)
    {
        using var guestClient = LoopbackClient.Create(gateway.BaseAddress, GuestAddress);
        var floodClient = ClientFor(gateway);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var guest = new Counts();
        var guestTask = GuestAsync(guestClient, guest, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancellation);
        var flood = new Counts();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, FloodWorkers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < FloodTime && Interlocked.Increment(ref sent) <= FloodMaxRequests)
            {
                using var response = await GetAsync(floodClient, forwardedFor: floodAddress());
                flood.Count(response.StatusCode);
            }
        }, Cancellation)));

        await stop.CancelAsync();
        await guestTask;
        return (guest, flood);
    }

    /// <summary>One read every 250 ms, health and availability in turn, until stopped (and at most 60).</summary>
    private static async Task GuestAsync(HttpClient client, Counts counts, CancellationToken stop)
    {
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var availability = string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/accommodations/1/availability?from={from:yyyy-MM-dd}&to={from.AddDays(7):yyyy-MM-dd}");
        using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        for (var i = 0; i < 60 && !stop.IsCancellationRequested; i++)
        {
            using (var response = await client.GetAsync(i % 2 == 0 ? Health : availability, Cancellation))
            {
                counts.Count(response.StatusCode);
            }
            try
            {
                await ticker.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private sealed class Counts
    {
        private int _admitted;
        private int _refused;
        private int _other;

        public int Admitted => Volatile.Read(ref _admitted);

        public int Refused => Volatile.Read(ref _refused);

        public int Other => Volatile.Read(ref _other);

        public void Count(HttpStatusCode status)
        {
            switch (status)
            {
                case HttpStatusCode.OK:
                    Interlocked.Increment(ref _admitted);
                    break;
                case HttpStatusCode.TooManyRequests:
                    Interlocked.Increment(ref _refused);
                    break;
                default:
                    Interlocked.Increment(ref _other);
                    break;
            }
        }

        public override string ToString() => $"{Admitted} × 200, {Refused} × 429, {Other} other";
    }
}
