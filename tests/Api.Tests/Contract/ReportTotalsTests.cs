using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// The report totals (migration 007) against the raw tables on the real database: built again from
/// the tables while bookings, confirmations and cancellations go on, then folded on from the events,
/// they equal a SQL count over the raw tables night by night and day by day, exactly: no event is
/// counted twice (once in the build's snapshot, once folded) nor lost (committed after the snapshot,
/// never folded). Meanwhile a report is answered or refused with 503 <c>reports-building</c>, nothing else.
/// </summary>
public sealed class ReportTotalsTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task A_build_under_way_while_bookings_change_ends_equal_to_the_raw_tables()
    {
        // A year of its own (the other report tests use 2150-2189), by an owner of its own.
        var year = 2190 + Random.Shared.Next(0, 9);
        var owner = $"totals-{Guid.NewGuid():N}"[..24];
        using var client = ClientAs(owner, TestIdentity.DefaultScopes);
        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        await using var root = await Fixture.OpenRootAsync();

        var codes = new List<string>();
        var answers = new List<(HttpStatusCode Status, string? Type)>();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                var checkIn = new DateOnly(year, 1 + (i % 12), 1 + w * 7);
                var accommodation = 21 + (i * 4 + w) % 40;
                using var created = await client.PostAsJsonAsync("/api/v1/reservations",
                    new ReservationRequest(accommodation, checkIn, checkIn.AddDays(1 + i % 5)) { Guests = 1 }.ToJson(), Cancellation);
                if (created.StatusCode != HttpStatusCode.Created)
                    continue; // Its nights were taken by another writer: nothing to count.
                var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["code"]!;
                lock (codes)
                    codes.Add(code);
                if (i % 3 != 2)
                    (await client.PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation)).Dispose();
                if (i % 4 == 1)
                    (await client.PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation)).Dispose();
            }
        })).ToList();

        // Twice during the writes, a build is asked for, as a seed asks; reports are read throughout.
        for (var round = 0; round < 2; round++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400), Cancellation);
            await root.ExecuteAsync("UPDATE report_state SET built_at = NULL WHERE id = 1");
            for (var read = 0; read < 10; read++)
            {
                using var response = await admin.GetAsync($"/api/v1/admin/reports/occupancy?from={year}-01-01&to={year + 1}-01-01&granularity=month", Cancellation);
                var body = await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation);
                answers.Add((response.StatusCode, (string?)body?["type"]));
                await Task.Delay(TimeSpan.FromMilliseconds(50), Cancellation);
            }
        }
        await Task.WhenAll(writers);
        Assert.True(codes.Count > 60, $"only {codes.Count} creates succeeded");
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK || (a.Status == HttpStatusCode.ServiceUnavailable && a.Type == ProblemTypes.ReportsBuilding),
            $"{(int)a.Status} {a.Type}"));

        // Built, and every event of these reservations folded.
        Assert.True(await Eventually.HoldsAsync(async () => await root.ExecuteScalarAsync<int>("""
            SELECT (SELECT built_at IS NOT NULL FROM report_state WHERE id = 1)
               AND NOT EXISTS (SELECT 1 FROM outbox WHERE folded_at IS NULL AND reservation_code IN @codes)
            """, new { codes }) == 1, TimeSpan.FromSeconds(30)), "the totals were not built and folded");

        var totals = (await root.QueryAsync<string>("""
            SELECT CONCAT(night, ' ', nights_confirmed, ' ', nights_held, ' ', revenue_confirmed, ' ', revenue_held) FROM report_nights
            WHERE night >= @from AND night < @to AND (nights_confirmed <> 0 OR nights_held <> 0) ORDER BY night
            """, new { from = new DateTime(year, 1, 1), to = new DateTime(year + 1, 1, 1) })).ToList();
        var raw = (await root.QueryAsync<string>("""
            SELECT CONCAT(n.night, ' ', SUM(r.status = 'confirmed'), ' ', SUM(r.status = 'pre_reserved'), ' ',
                   SUM(IF(r.status = 'confirmed', IF(DAYOFWEEK(n.night) IN (6, 7), a.weekend_price, a.nightly_price), 0)), ' ',
                   SUM(IF(r.status = 'pre_reserved', IF(DAYOFWEEK(n.night) IN (6, 7), a.weekend_price, a.nightly_price), 0)))
            FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id JOIN accommodations a ON a.id = n.accommodation_id
            WHERE n.night >= @from AND n.night < @to GROUP BY n.night ORDER BY n.night
            """, new { from = new DateTime(year, 1, 1), to = new DateTime(year + 1, 1, 1) })).ToList();
        Assert.NotEmpty(raw);
        Assert.Equal(raw, totals);

        var created = (await root.QueryAsync<string>("""
            SELECT CONCAT(created_day, ' ', status, ' ', reservations, ' ', nights, ' ', value) FROM report_created
            WHERE owner_client = @owner AND reservations <> 0 ORDER BY created_day, status
            """, new { owner })).ToList();
        var rawCreated = (await root.QueryAsync<string>("""
            SELECT CONCAT(DATE(created_at), ' ', status, ' ', COUNT(*), ' ', SUM(nights), ' ', SUM(total_price)) FROM reservations
            WHERE owner_client = @owner GROUP BY DATE(created_at), status ORDER BY DATE(created_at), status
            """, new { owner })).ToList();
        Assert.Equal(codes.Count, await root.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM reservations WHERE owner_client = @owner", new { owner }));
        Assert.Equal(rawCreated, created);
    }
}
