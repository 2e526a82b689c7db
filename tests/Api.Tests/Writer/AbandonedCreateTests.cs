using System.Net;
using System.Net.Http.Json;
using Dapper;
using MySqlConnector;
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
}
