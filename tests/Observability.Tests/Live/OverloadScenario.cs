using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using MySqlConnector;
using Platform.Contracts.Http;
using Platform.Testing;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// Overloads the database the way production does, with no switch in the product: the test holds
/// one accommodation's row lock, and creates for it through the gateway each take a pooled connection
/// and wait on the lock, filling every replica's pool past 20. Reads keep arriving, wait for a
/// connection, give up after the pool's timeout and are answered 503 (more creates would be refused
/// at once by the writers' share, without waiting for the pool). After the lock is released the
/// held creates finish, each having taken longer than 5 s. Prometheus's alerts are read every half
/// second throughout, and Alertmanager's notifications are collected by the webhook receiver.
/// </summary>
public static class OverloadScenario
{
    private const int LockedAccommodation = 977;
    private const int OverflowAccommodation = 978;
    private const int OverflowClients = 6;

    // The held creates must outlast 5 s; their lock wait (10 s, retried once) must not run out.
    private static readonly TimeSpan MinimumHold = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan MaximumHold = TimeSpan.FromSeconds(17);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    // The waits for a condition (Eventually) poll faster than the alert observations above.
    private static readonly TimeSpan EventuallyPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The alerts the held lock must fire before it is released (if they ever do).</summary>
    public static readonly string[] AlertsWhileHeld =
        ["DatabaseConnectionsHigh", "DatabaseConnectionsHighTotal", "DatabaseRequestsWaiting", "DatabasePoolTimeouts", "Api5xxRatioHigh"];

    public static async Task<OverloadRun> RunAsync(MonitoredPlatform platform)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        var run = new OverloadRun();
        using var client = platform.Gateway.CreateClient();

        // 1. Everything scraped, some ordinary traffic recorded, and (with for: long passed) no alert firing.
        await Eventually.AssertAsync(async () => (await platform.Prometheus.QueryAsync("count(up{job=~\"api|gateway\"} == 1)", cancellation)).OnlyValue() == 4,
            TimeSpan.FromSeconds(30), "Prometheus never saw the three replicas and the gateway up", EventuallyPoll);
        await OrdinaryTrafficAsync(client, cancellation);
        await Task.Delay(MonitoredPlatform.AlertFor + TimeSpan.FromSeconds(3), cancellation);
        run.FiringBeforeOverload = (await platform.Prometheus.AlertsAsync(cancellation)).Where(alert => alert.IsFiring).ToList();

        // 2. Hold the lock and fill every pool.
        await using var holder = new MySqlConnection(platform.Cluster.Database.RootConnectionString);
        await holder.OpenAsync(cancellation);
        await ExecuteAsync(holder, "START TRANSACTION", cancellation);
        await ExecuteAsync(holder, $"SELECT id FROM accommodations WHERE id = {LockedAccommodation} FOR UPDATE", cancellation);
        var heldSince = clock.Elapsed;
        var held = Enumerable.Range(0, 3 * MonitoredPlatform.PoolSize)
            .Select(i => CreateAsync(client, LockedAccommodation, i, CancellationToken.None))
            .ToList();
        _ = await Eventually.HoldsAsync(async () => (run.LockWaits = await LockWaitsAsync(holder, cancellation)) >= held.Count,
            TimeSpan.FromSeconds(20), EventuallyPoll);

        // 3. Readers arrive while the pools are full: they wait for a connection, then get 503s.
        using var stopOverflow = new CancellationTokenSource();
        var overflow = Enumerable.Range(0, OverflowClients).Select(_ => Task.Run(async () =>
        {
            var statuses = new List<int>();
            while (!stopOverflow.IsCancellationRequested)
                statuses.Add(await ReadAvailabilityAsync(client, OverflowAccommodation, CancellationToken.None));
            return statuses;
        }, CancellationToken.None)).ToList();

        while (clock.Elapsed - heldSince < MaximumHold)
        {
            var snapshot = await run.ObserveAsync(platform.Prometheus, clock.Elapsed, cancellation);
            var firing = snapshot.Where(alert => alert.IsFiring).Select(alert => alert.Name).ToHashSet();
            if (clock.Elapsed - heldSince >= MinimumHold && AlertsWhileHeld.All(firing.Contains))
                break;
            await Task.Delay(PollInterval, cancellation);
        }

        // 4. Release. Every held create finishes; the slow ones are now in the latency histogram.
        await stopOverflow.CancelAsync();
        run.OverflowStatuses = (await Task.WhenAll(overflow)).SelectMany(statuses => statuses).ToList();
        run.ReleasedAt = clock.Elapsed;
        await ExecuteAsync(holder, "ROLLBACK", cancellation);
        run.HeldStatuses = await Task.WhenAll(held);

        // 5. The latency alert fires; the connection alerts resolve.
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline)
        {
            var snapshot = await run.ObserveAsync(platform.Prometheus, clock.Elapsed, cancellation);
            if (snapshot.Any(alert => alert is { Name: "ApiLatencyP95High", IsFiring: true })
                && !snapshot.Any(alert => alert.Name.StartsWith("DatabaseConnectionsHigh", StringComparison.Ordinal)))
                break;
            await Task.Delay(PollInterval, cancellation);
        }

        // 6. Alertmanager has told the on-call receiver about the resolution too.
        _ = await Eventually.HoldsAsync(() => Task.FromResult(platform.Receiver.Notifications.Any(notification =>
                (string?)notification["status"] == "resolved"
                && (string?)notification["groupLabels"]?["alertname"] == "DatabaseConnectionsHigh")),
            TimeSpan.FromSeconds(30), EventuallyPoll);
        return run;
    }

    /// <summary>Reads, creates and not-founds spread over the replicas, all answered quickly.</summary>
    private static async Task OrdinaryTrafficAsync(HttpClient client, CancellationToken cancellation)
    {
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(201, await CreateAsync(client, 900 + i, i, cancellation));
            using var availability = await client.GetAsync(
                new Uri($"/api/v1/accommodations/{900 + i}/availability?from=2031-01-01&to=2031-01-10", UriKind.Relative), cancellation);
            Assert.Equal(200, (int)availability.StatusCode);
            if (i % 3 == 0)
            {
                // An anonymous guest with a secret that opens nothing: a 404 from a replica, as for a missing code.
                using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/reservations/ZZZZZZZZ", UriKind.Relative));
                read.Headers.Add(PlatformHeaders.ReservationSecret, "not-a-secret-of-any-reservation");
                using var missing = await client.SendAsync(read, cancellation);
                Assert.Equal(404, (int)missing.StatusCode);
            }
        }
    }

    /// <summary>Reads ten nights' availability and returns the status (0: no answer).</summary>
    private static async Task<int> ReadAvailabilityAsync(HttpClient client, int accommodation, CancellationToken cancellation)
    {
        try
        {
            using var response = await client.GetAsync(
                new Uri($"/api/v1/accommodations/{accommodation}/availability?from=2031-01-01&to=2031-01-10", UriKind.Relative), cancellation);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Creates a one-night stay (night <paramref name="number"/> from 2031-01-01) and returns the status (0: no answer).</summary>
    private static async Task<int> CreateAsync(HttpClient client, int accommodation, int number, CancellationToken cancellation)
    {
        var checkIn = new DateOnly(2031, 1, 1).AddDays(number);
        var body = new ReservationRequest(accommodation, checkIn, checkIn.AddDays(1))
        {
            GuestName = $"Guest {accommodation}-{number}",
            GuestEmail = $"guest{accommodation}.{number}@example.com",
            GuestPhone = $"+54911{accommodation:D4}{number:D4}",
            Guests = 1,
        }.ToJson();
        try
        {
            using var response = await client.PostAsJsonAsync(new Uri("/api/v1/reservations", UriKind.Relative), body, cancellation);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            // Drain: a SELECT ... FOR UPDATE's rows are not needed, only its lock.
        }
    }

    private static async Task<int> LockWaitsAsync(MySqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
    }
}
