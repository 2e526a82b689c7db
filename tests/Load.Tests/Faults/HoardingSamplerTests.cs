using System.Net;
using System.Net.Http.Json;
using MySqlConnector;
using Platform.Load.Faults;
using Platform.Load.Traffic;
using Platform.Testing;

namespace Platform.Load.Tests.Faults;

/// <summary>
/// What fault-hoarding measures, against a real replica and MariaDB: only anonymous live holds count,
/// and only their nights inside [today, today + 365); the heaviest holder is "n/a" until the schema has
/// a <c>holder</c> column, and then the largest holds and nights of any one holder.
/// </summary>
public sealed class HoardingSamplerTests
{
    [Fact]
    public async Task Counts_anonymous_live_nights_inside_the_next_year_the_heaviest_holder_and_holders_over_their_quota()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var sampler = new HoardingSampler(cluster.Database.AppConnectionString, new RunClock());
        await sampler.PrepareAsync();
        Assert.True(sampler.Accommodations > 0);
        Assert.Equal(0, (await sampler.SampleAsync(0)).HeldNights);

        var today = sampler.Today;
        using var guest = cluster.Replicas[0].CreateClient("anonymous", TestIdentity.Create, TestIdentity.AnonymousHolder("198.51.100.7"),
            TestIdentity.Limits(10, 1000, 30, 3650, false, 600));
        using var keyed = cluster.Replicas[0].CreateClient();
        await CreateAsync(guest, 1, today.AddDays(10), 30, cancel);            // 30 nights counted
        await CreateAsync(guest, 2, today.AddDays(350), 30, cancel);           // 15 of them inside the year
        var gone = await CreateAsync(guest, 3, today.AddDays(20), 14, cancel); // cancelled: none
        await CreateAsync(guest, 4, today.AddDays(400), 10, cancel);           // beyond the year: none
        await CreateAsync(keyed, 5, today.AddDays(10), 30, cancel);            // a keyed client's: none
        await ExecuteAsync(cluster, $"UPDATE reservations SET status = 'cancelled' WHERE code = '{gone}'", cancel);
        await ExecuteAsync(cluster, $"DELETE FROM reservation_nights WHERE reservation_id = (SELECT id FROM reservations WHERE code = '{gone}')", cancel);

        var sample = await sampler.SampleAsync(1000);
        Assert.Equal(45, sample.HeldNights);
        Assert.Equal(100.0 * 45 / (sampler.Accommodations * 365), sample.HeldShare, 6);
        // One guest holder (the test identity's) with three live holds of 30, 30 and 10 nights.
        Assert.Equal(3, sample.MaxHolderHolds);
        Assert.Equal(70, sample.MaxHolderNights);
        Assert.Equal(0, sample.HoldersOverQuota);

        // A counter row whose quota the holder's reservations exceed (as if the quota had failed): seen.
        await ExecuteAsync(cluster, """
            INSERT INTO hold_counters (holder, holds, nights, max_holds, max_nights)
            SELECT holder, 0, 0, 2, 14 FROM reservations WHERE owner_client = 'anonymous' LIMIT 1
            ON DUPLICATE KEY UPDATE holds = 0, nights = 0, max_holds = 2, max_nights = 14
            """, cancel);
        var over = await sampler.SampleAsync(2000);
        Assert.Equal(1, over.HoldersOverQuota);
        Assert.EndsWith(",3,70,1\n", Csv(sampler, over), StringComparison.Ordinal);
    }

    private static string Csv(HoardingSampler sampler, HoardingSample sample)
    {
        sampler.Samples.Add(sample);
        return sampler.ToCsv();
    }

    private static async Task ExecuteAsync(ApiCluster cluster, string sql, CancellationToken cancel)
    {
        await using var connection = new MySqlConnection(cluster.Database.RootConnectionString);
        await connection.OpenAsync(cancel);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }

    private static async Task<string> CreateAsync(HttpClient client, int accommodationId, DateOnly checkIn, int nights, CancellationToken cancel)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(accommodationId, checkIn, checkIn.AddDays(nights))
        {
            GuestName = "Hoard Guest",
            GuestEmail = "hoard@example.com",
            GuestPhone = ReservationRequest.NewPhone(),
        }.ToJson(), cancel);
        var body = await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, cancel);
        return (string)body["code"]!;
    }
}
