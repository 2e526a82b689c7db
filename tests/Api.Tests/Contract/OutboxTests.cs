using Dapper;
using StackExchange.Redis;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

public class OutboxTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Stream = "reservations.events";

    [Fact]
    public async Task A_created_event_reaches_the_redis_stream_with_its_event_id()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Cluster.Redis.ConnectionString);

        Assert.True(await Eventually.HoldsAsync(async () => (await EntriesForAsync(redis, code)).Count == 1, TimeSpan.FromSeconds(15)),
            $"no event for {code} in the stream");
        var entry = (await EntriesForAsync(redis, code)).Single();
        var eventId = await QueryScalarAsync<long>("SELECT id FROM outbox WHERE reservation_code = @code", new { code });
        Assert.Equal(eventId.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)entry["event_id"]);
        Assert.Equal("reservation.created", (string?)entry["type"]);
        Assert.Contains(code, (string?)entry["payload"], StringComparison.Ordinal);
        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
            "SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND published_at IS NOT NULL", new { code }) == 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Every_reservation_has_exactly_one_created_event_and_every_created_event_a_reservation()
    {
        for (var i = 0; i < 5; i++)
            await CreateAsync(NewStay(), client: Client(i % 3));
        Assert.Equal(0, await CountAsync("""
            SELECT COUNT(*) FROM reservations r
            WHERE (SELECT COUNT(*) FROM outbox o WHERE o.reservation_code = r.code AND o.event_type = 'reservation.created') <> 1
            """));
        Assert.Equal(0, await CountAsync("""
            SELECT COUNT(*) FROM outbox o LEFT JOIN reservations r ON r.code = o.reservation_code WHERE r.id IS NULL
            """));
    }

    [Fact]
    public async Task Events_written_while_redis_is_down_wait_in_the_table_and_go_out_when_it_returns_and_the_reports_fold_them_meanwhile()
    {
        await Cluster.Redis.StopAsync();
        List<string> codes = [];
        try
        {
            for (var i = 0; i < 6; i++)
                codes.Add((string)(await CreateAsync(NewStay(), client: Client(i % 3)))["code"]!);
            await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
            Assert.Equal(codes.Count, await CountAsync(
                "SELECT COUNT(*) FROM outbox WHERE reservation_code IN @codes AND published_at IS NULL", new { codes }));
            // The report totals need only the database: the relay's replica folds the events all the same
            // (within its back-off, at most 5 s), and retention keeps them until they are published too.
            Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
                "SELECT COUNT(*) FROM outbox WHERE reservation_code IN @codes AND folded_at IS NOT NULL", new { codes }) == codes.Count,
                TimeSpan.FromSeconds(15)), "the events were not folded into the report totals while Redis was down");
        }
        finally
        {
            await Cluster.Redis.StartAgainAsync();
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Cluster.Redis.ConnectionString);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            foreach (var code in codes)
            {
                if ((await EntriesForAsync(redis, code)).Count == 0)
                    return false;
            }
            return true;
        }, TimeSpan.FromSeconds(30)), "events did not reach Redis after it came back");
        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
            "SELECT COUNT(*) FROM outbox WHERE reservation_code IN @codes AND published_at IS NULL", new { codes }) == 0, TimeSpan.FromSeconds(10)));
    }

    private static async Task<List<Dictionary<string, RedisValue>>> EntriesForAsync(ConnectionMultiplexer redis, string code)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(Stream);
        return entries
            .Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value))
            .Where(v => v.TryGetValue("code", out var c) && c == code)
            .ToList();
    }
}
