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
    public async Task Counts_anonymous_live_nights_inside_the_next_year_and_the_heaviest_holder_once_there_is_one()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var sampler = new HoardingSampler(cluster.Database.AppConnectionString, new RunClock());
        await sampler.PrepareAsync();
        Assert.True(sampler.Accommodations > 0);
        Assert.False(sampler.HasHolder);
        Assert.Equal(0, (await sampler.SampleAsync(0)).HeldNights);

        var today = sampler.Today;
        using var guest = cluster.Replicas[0].CreateClient("anonymous", TestIdentity.Create);
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
        Assert.Null(sample.MaxHolderHolds);
        Assert.Contains(",n/a,n/a", Csv(sampler, sample), StringComparison.Ordinal);

        // The column the anonymous holder's quota is kept in: one holder with two live holds, another with one.
        await ExecuteAsync(cluster, "ALTER TABLE reservations ADD COLUMN holder VARCHAR(64) CHARACTER SET ascii NULL", cancel);
        await ExecuteAsync(cluster, "UPDATE reservations SET holder = IF(accommodation_id IN (1, 2), 'h1', 'h2') WHERE owner_client = 'anonymous'", cancel);
        await sampler.PrepareAsync();
        Assert.True(sampler.HasHolder);
        var held = await sampler.SampleAsync(2000);
        Assert.Equal(2, held.MaxHolderHolds);
        Assert.Equal(60, held.MaxHolderNights);
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
