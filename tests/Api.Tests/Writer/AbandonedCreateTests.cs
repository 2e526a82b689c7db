using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using MySqlConnector;
using Platform.Contracts.Http;
using Platform.Testing;

namespace Platform.Api.Tests.Writer;

/// <summary>
/// A create whose client goes away while its batch waits on the database (a night locked for real by
/// another session) leaves nothing open behind it: no transaction idles on a pooled connection holding
/// its rows, so the night is free for the next guest at once and nothing else waits on it.
/// </summary>
public sealed class AbandonedCreateTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_create_abandoned_mid_batch_leaves_no_open_transaction_on_the_pool()
    {
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var replica = cluster.Replicas[0];
        var night = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(900);
        await using var holder = new MySqlConnection(new MySqlConnectionStringBuilder(cluster.Database.RootConnectionString) { Pooling = false }.ConnectionString);
        await holder.OpenAsync(Cancellation);
        // Another session holds the night: a reservation of its own, its night inserted and not committed.
        await holder.ExecuteAsync("""
            INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out, nights, guests,
                                      total_price, owner_client, expires_at, created_at, updated_at)
            VALUES ('HOLD0001', 'confirmed', 5, 'Holder', 'holder@example.com', '+31600000001', @night, @night + INTERVAL 1 DAY, 1, 1, 100, 'tests', NOW(6), NOW(6), NOW(6))
            """, new { night = night.ToDateTime(TimeOnly.MinValue) });
        await holder.ExecuteAsync("START TRANSACTION");
        await holder.ExecuteAsync("INSERT INTO reservation_nights (accommodation_id, night, reservation_id) SELECT 5, @night, id FROM reservations WHERE code = 'HOLD0001'",
            new { night = night.ToDateTime(TimeOnly.MinValue) });

        // A client that gives up after half a second, while its create waits for the night's lock.
        using (var impatient = replica.CreateClient())
        {
            impatient.Timeout = TimeSpan.FromMilliseconds(500);
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() =>
                impatient.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(5, night, night.AddDays(1)).ToJson(), Cancellation));
        }
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        await holder.ExecuteAsync("ROLLBACK");

        // Nothing of the abandoned create idles open on a pooled connection...
        await using var root = new MySqlConnection(cluster.Database.RootConnectionString);
        await root.OpenAsync(Cancellation);
        Assert.True(await Eventually.HoldsAsync(async () => await root.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id
            WHERE p.user = 'platform' AND p.command = 'Sleep'
            """) == 0, TimeSpan.FromSeconds(5)), "a transaction of the abandoned create is still open on an idle connection");
        // ... and the night is the next guest's at once.
        using var client = replica.CreateClient();
        using var next = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(5, night, night.AddDays(1)).ToJson(), Cancellation);
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }

    /// <summary>
    /// Creates cut off at random moments of their batch, by the client going away and by deadlines a few
    /// milliseconds out: a cancellation that reached the server between two statements of the batch used
    /// to leave the driver waiting for ever for a result the server never sent, the request in progress,
    /// its bulkhead slot taken and its transaction open with the nights locked. Every one is answered or
    /// dropped, and nothing is left open or in progress afterwards.
    /// </summary>
    [Fact]
    public async Task Creates_cut_off_at_any_moment_of_their_batch_never_hang_nor_leave_a_transaction_open()
    {
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var replica = cluster.Replicas[0];
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1200);
        var budget = Stopwatch.StartNew();
        var unanswered = 0;
        var attempt = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), Cancellation, async (worker, token) =>
        {
            using var client = replica.CreateClient();
            client.Timeout = TimeSpan.FromSeconds(10);
            // Bounded in count and in time.
            for (var i = 0; i < 60 && budget.Elapsed < TimeSpan.FromSeconds(60); i++)
            {
                var n = Interlocked.Increment(ref attempt);
                var checkIn = start.AddDays(n * 3);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
                {
                    Content = JsonContent.Create(new ReservationRequest(1 + n % 10, checkIn, checkIn.AddDays(2)).ToJson()),
                };
                // A connection of its own: one the client abandons is never another request's.
                request.Headers.ConnectionClose = true;
                using var impatient = CancellationTokenSource.CreateLinkedTokenSource(token);
                if (n % 2 == 0)
                    impatient.CancelAfter(TimeSpan.FromMicroseconds(Random.Shared.Next(200, 5000)));
                else
                    request.Headers.Add(PlatformHeaders.RequestDeadline,
                        DateTimeOffset.UtcNow.AddMilliseconds(Random.Shared.Next(2, 9)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                try
                {
                    using var response = await client.SendAsync(request, impatient.Token);
                    Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.GatewayTimeout,
                        $"a create cut off by its deadline was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                }
                catch (TaskCanceledException) when (impatient.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    // This client went away on purpose.
                }
                catch (TaskCanceledException) when (!token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref unanswered);
                }
                catch (HttpRequestException ex) when (ex.InnerException is IOException)
                {
                    // A 504 written before the body was read (the deadline passed on arrival) can reach
                    // the client as a reset: an answer lost, not a create left hanging.
                }
            }
        });
        Assert.Equal(0, unanswered);

        await using var root = new MySqlConnection(cluster.Database.RootConnectionString);
        await root.OpenAsync(Cancellation);
        Assert.True(await Eventually.HoldsAsync(async () => await root.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id
            WHERE p.user = 'platform' AND p.command = 'Sleep'
            """) == 0, TimeSpan.FromSeconds(5)), "a transaction of a cut-off create is still open on an idle connection");
        Assert.True(await Eventually.HoldsAsync(async () =>
            PrometheusText.Value(await replica.ReadMetricsAsync(Cancellation), "http_requests_in_progress",
                "method=\"POST\",controller=\"\",action=\"\",endpoint=\"/api/v1/reservations\"") is null or 0, TimeSpan.FromSeconds(5)),
            "a cut-off create is still in progress on the replica");

        // And the replica still creates.
        using var healthy = replica.CreateClient();
        using var created = await healthy.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(1, start.AddDays(-5), start.AddDays(-3)).ToJson(), Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
