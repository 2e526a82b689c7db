using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MySqlConnector;
using Platform.Load.Audit;
using Platform.Load.Reporting;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Load.Tests.Audit;

/// <summary>
/// The audit every scenario ends with, against a real replica, MariaDB and Redis: it passes on what the
/// API really did, and fails on each kind of loss it exists to catch (a 201 with no row, a night booked
/// twice, an event missing from the stream), so a run that lost data cannot pass.
/// </summary>
public sealed class ReservationAuditTests
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Passes_on_what_the_api_did_and_fails_on_each_kind_of_loss()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var audit = new ReservationAudit(cluster.Database.AppConnectionString, cluster.Redis.ConnectionString);
        var window = await audit.FreeWindowStartAsync();
        var streamStart = await audit.StreamEndAsync();
        using var client = cluster.Replicas[0].CreateClient();
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
            codes.Add(await CreateAsync(client, accommodationId: 7, window.AddDays(i * 3), cancel));

        var clean = await audit.RunAsync(codes, window, streamStart, CatchUp);
        Assert.All(clean, v => Assert.True(v.Passed, v.Markdown));
        Assert.Contains("all 3 created reservations have their reservation.created event", Find(clean, "outbox events").Detail, StringComparison.Ordinal);

        // A 201 the database does not hold.
        var phantom = await audit.RunAsync([.. codes, "ZZZZZZZZ"], window, streamStart, CatchUp);
        var stored = Find(phantom, "creates stored");
        Assert.False(stored.Passed, stored.Markdown);
        Assert.Contains("1 of 4 answered 201 are missing, e.g. ZZZZZZZZ", stored.Detail, StringComparison.Ordinal);

        // An event gone from the stream (the audit waits out its catch-up, here a second).
        using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString))
        {
            var db = redis.GetDatabase();
            var entries = await db.StreamRangeAsync(ReservationAudit.Stream, "-", "+");
            var first = entries.First(e => e["code"] == codes[0]);
            Assert.Equal(1, await db.StreamDeleteAsync(ReservationAudit.Stream, [first.Id]));
        }
        var lostEvent = Find(await audit.RunAsync(codes, window, streamStart, TimeSpan.FromSeconds(1)), "outbox events");
        Assert.False(lostEvent.Passed, lostEvent.Markdown);
        Assert.Contains($"1 of 3 created reservations have no event after 1 s (outbox backlog 0), e.g. {codes[0]}", lostEvent.Detail, StringComparison.Ordinal);

        // A second active reservation over the first one's nights, written behind the API's back.
        await using (var connection = new MySqlConnection(cluster.Database.RootConnectionString))
        {
            await connection.OpenAsync(cancel);
            await using var command = new MySqlCommand("""
                INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out,
                                          nights, guests, total_price, expires_at, created_at, updated_at)
                SELECT 'DUP00001', 'confirmed', accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out,
                       nights, guests, total_price, expires_at, created_at, updated_at
                FROM reservations WHERE code = @code
                """, connection);
            command.Parameters.AddWithValue("@code", codes[1]);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(cancel));
        }
        var doubled = Find(await audit.RunAsync(codes, window, streamStart, TimeSpan.FromSeconds(1)), "no double booking");
        Assert.False(doubled.Passed, doubled.Markdown);
        Assert.Contains("4 active reservations", doubled.Detail, StringComparison.Ordinal);
        Assert.Contains("1 without exactly one night row per night", doubled.Detail, StringComparison.Ordinal);
        Assert.Contains("1 overlapping pairs", doubled.Detail, StringComparison.Ordinal);
    }

    private static Verdict Find(IEnumerable<Verdict> verdicts, string name) =>
        verdicts.Single(v => v.Name == "Audit: " + name);

    private static async Task<string> CreateAsync(HttpClient client, int accommodationId, DateOnly checkIn, CancellationToken cancel)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(accommodationId, checkIn, checkIn.AddDays(2))
        {
            GuestName = "Audit Guest",
            GuestEmail = "audit@example.com",
            GuestPhone = "+5491100000" + checkIn.DayNumber.ToString(CultureInfo.InvariantCulture)[^3..],
        }.ToJson(), cancel);
        var body = await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, cancel);
        return (string)body["code"]!;
    }
}
