using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

public class ExpiryTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task Three_sweepers_expire_each_lapsed_hold_once_and_free_its_nights()
    {
        var stays = Enumerable.Range(0, 40).Select(_ => NewStay()).ToList();
        var codes = new List<string>();
        for (var i = 0; i < stays.Count; i++)
            codes.Add((string)(await CreateAsync(stays[i], client: Client(i % 3)))["code"]!);

        // Let the holds lapse all at once; the three replicas sweep every second.
        await using (var connection = await Fixture.OpenRootAsync())
        {
            await connection.ExecuteAsync(
                "UPDATE reservations SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE code IN @codes", new { codes });
        }

        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
            "SELECT COUNT(*) FROM reservations WHERE code IN @codes AND status = 'expired'", new { codes }) == codes.Count,
            TimeSpan.FromSeconds(20)), "not every lapsed hold expired");

        Assert.Equal(0, await CountAsync("""
            SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id WHERE r.code IN @codes
            """, new { codes }));
        await using (var connection = await Fixture.OpenRootAsync())
        {
            var events = (await connection.QueryAsync<(string Code, long Count)>("""
                SELECT reservation_code, COUNT(*) FROM outbox
                WHERE reservation_code IN @codes AND event_type = 'reservation.expired' GROUP BY reservation_code
                """, new { codes })).ToDictionary(e => e.Code, e => e.Count);
            Assert.All(codes, code => Assert.Equal(1, events.GetValueOrDefault(code)));
        }

        var read = await Client(1).GetFromJsonAsync<JsonObject>($"/api/v1/reservations/{codes[0]}", Cancellation);
        Assert.Equal("expired", (string?)read!["status"]);
        await CreateAsync(stays[0], client: Client(2)); // The nights are free again.
    }

    [Fact]
    public async Task A_sweep_that_expires_a_lapsed_hold_leaves_one_that_has_not_lapsed_alone()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        var lapsed = (string)(await CreateAsync(NewStay()))["code"]!;
        await using (var connection = await Fixture.OpenRootAsync())
        {
            await connection.ExecuteAsync(
                "UPDATE reservations SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE code = @lapsed", new { lapsed });
        }

        // The lapsed hold's expiry proves a sweep ran after both existed.
        Assert.True(await Eventually.HoldsAsync(async () =>
                await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @lapsed", new { lapsed }) == "expired",
            TimeSpan.FromSeconds(20)), "no sweep expired the lapsed hold");
        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code }));
    }
}
