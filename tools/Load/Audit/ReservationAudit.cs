using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Platform.Load.Reporting;
using Platform.Load.Workload;
using Platform.Topology;
using StackExchange.Redis;

namespace Platform.Load.Audit;

/// <summary>
/// After every scenario: every create answered 201 is in the database with its code; no night of the
/// run's window is double-booked among active reservations; every created reservation's
/// <c>reservation.created</c> event is in the Redis stream (read with XRANGE from where the stream
/// ended when the run started), after a bounded wait for the outbox relay to catch up.
/// </summary>
public sealed class ReservationAudit(string dbConnection, string redisConfiguration)
{
    public const string Stream = "reservations.events";
    private const int Batch = 500;
    private const int StreamBatch = 5_000;

    /// <summary>Where runs' windows start looking: far beyond any real guest's stay.</summary>
    public static readonly DateOnly WindowFloor = new(2100, 1, 1);

    /// <summary>
    /// Days a run's window must find free: twenty years, room for 1.8 million creates at
    /// <see cref="StayPlanner"/>'s 1,000 stays per four days, more than any scenario sends.
    /// </summary>
    public const int WindowDays = 20 * 365;

    /// <summary>
    /// The first day from <see cref="WindowFloor"/> on that starts <see cref="WindowDays"/> days no live
    /// reservation (pre_reserved or confirmed, expired or not yet swept) occupies: the run's stays never
    /// meet a stay already stored. Cancelled and expired rows hold no night and are ignored, and a live
    /// stay anywhere (December 9999 included) only moves the window past it or before it: the window
    /// never reaches beyond <see cref="DateOnly.MaxValue"/>.
    /// </summary>
    /// <exception cref="PlatformException">No such window exists: live stays occupy every stretch of
    /// <see cref="WindowDays"/> days from <see cref="WindowFloor"/> to the end of the calendar.</exception>
    public async Task<DateOnly> FreeWindowStartAsync()
    {
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        // Ordered by check_in, each live stay either leaves a long enough gap before it or moves the
        // candidate start past its check-out; DATE columns compare and sort without any date arithmetic.
        await using var command = new MySqlCommand("""
            SELECT check_in, check_out FROM reservations
            WHERE status IN ('pre_reserved','confirmed') AND check_out > @floor
            ORDER BY check_in
            """, connection) { CommandTimeout = 300 };
        command.Parameters.AddWithValue("@floor", WindowFloor.ToDateTime(TimeOnly.MinValue));
        await using var reader = await command.ExecuteReaderAsync();
        var start = WindowFloor;
        while (await reader.ReadAsync())
        {
            var checkIn = DateOnly.FromDateTime(reader.GetDateTime(0));
            var checkOut = DateOnly.FromDateTime(reader.GetDateTime(1));
            if (checkIn.DayNumber - start.DayNumber >= WindowDays)
                return start;
            if (checkOut > start)
                start = checkOut;
        }

        if (DateOnly.MaxValue.DayNumber - start.DayNumber >= WindowDays)
            return start;
        throw new PlatformException(string.Create(CultureInfo.InvariantCulture,
            $"no {WindowDays} free days for the run's stays from {WindowFloor:yyyy-MM-dd} on: live reservations occupy some night of every such stretch up to {DateOnly.MaxValue:yyyy-MM-dd}; cancel the stray ones (status pre_reserved or confirmed, check_out after {WindowFloor:yyyy-MM-dd}) or start from a fresh platform"));
    }

    /// <summary>The id of the stream's last entry ("0-0" when empty): the audit reads after it.</summary>
    public async Task<string> StreamEndAsync()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions());
        var last = await redis.GetDatabase().StreamRangeAsync(Stream, "-", "+", count: 1, messageOrder: Order.Descending);
        return last.Length == 0 ? "0-0" : last[0].Id.ToString();
    }

    public async Task<List<Verdict>> RunAsync(IReadOnlyCollection<string> codes, DateOnly windowStart, string streamStart, TimeSpan catchUp)
    {
        return
        [
            await CreatesStoredAsync(codes),
            await NightsAsync(windowStart),
            await EventsAsync(codes, streamStart, catchUp),
        ];
    }

    private async Task<Verdict> CreatesStoredAsync(IReadOnlyCollection<string> codes)
    {
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in codes.Distinct().Chunk(Batch))
        {
            await using var command = new MySqlCommand { Connection = connection };
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                names.Add($"@c{i}");
                command.Parameters.AddWithValue($"@c{i}", chunk[i]);
            }

            command.CommandText = $"SELECT code FROM reservations WHERE code IN ({string.Join(',', names)})";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                found.Add(reader.GetString(0));
        }

        var missing = codes.Distinct().Where(c => !found.Contains(c)).ToList();
        return new Verdict("Audit: creates stored", missing.Count == 0, missing.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"all {codes.Count} reservations answered 201 are in the database with their codes")
            : string.Create(CultureInfo.InvariantCulture, $"{missing.Count} of {codes.Count} answered 201 are missing, e.g. {string.Join(", ", missing.Take(10))}"));
    }

    private async Task<Verdict> NightsAsync(DateOnly windowStart)
    {
        const string Active = "('pre_reserved','confirmed')";
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        var from = windowStart.ToDateTime(TimeOnly.MinValue);
        var wrongCount = await ScalarAsync(connection, $"""
            SELECT COUNT(*) FROM reservations r
            WHERE r.status IN {Active} AND r.check_in >= @from
              AND r.nights <> (SELECT COUNT(*) FROM reservation_nights n
                               WHERE n.reservation_id = r.id AND n.accommodation_id = r.accommodation_id
                                 AND n.night >= r.check_in AND n.night < r.check_out)
            """, from);
        var stray = await ScalarAsync(connection, $"""
            SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id
            WHERE n.night >= @from
              AND (r.status NOT IN {Active} OR n.accommodation_id <> r.accommodation_id OR n.night < r.check_in OR n.night >= r.check_out)
            """, from);
        var overlaps = await ScalarAsync(connection, $"""
            SELECT COUNT(*) FROM reservations a JOIN reservations b
              ON b.accommodation_id = a.accommodation_id AND a.id < b.id AND a.check_in < b.check_out AND b.check_in < a.check_out
            WHERE a.status IN {Active} AND b.status IN {Active} AND a.check_in >= @from AND b.check_in >= @from
            """, from);
        var active = await ScalarAsync(connection, $"SELECT COUNT(*) FROM reservations WHERE status IN {Active} AND check_in >= @from", from);
        var passed = wrongCount == 0 && stray == 0 && overlaps == 0;
        return new Verdict("Audit: no double booking", passed, string.Create(CultureInfo.InvariantCulture,
            $"{active} active reservations from {windowStart:yyyy-MM-dd}: {wrongCount} without exactly one night row per night, {stray} night rows not matching an active reservation, {overlaps} overlapping pairs"));
    }

    private async Task<Verdict> EventsAsync(IReadOnlyCollection<string> codes, string streamStart, TimeSpan catchUp)
    {
        var wanted = new HashSet<string>(codes, StringComparer.Ordinal);
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions());
        var db = redis.GetDatabase();
        var cursor = streamStart;
        var read = 0L;
        var waited = Stopwatch.StartNew();
        long backlog = -1;
        while (true)
        {
            while (true)
            {
                var entries = await db.StreamRangeAsync(Stream, "(" + cursor, "+", count: StreamBatch);
                if (entries.Length == 0)
                    break;
                foreach (var entry in entries)
                {
                    read++;
                    if (entry["type"] == "reservation.created")
                        wanted.Remove(entry["code"].ToString());
                }

                cursor = entries[^1].Id.ToString();
            }

            backlog = await OutboxBacklogAsync();
            if (wanted.Count == 0 || waited.Elapsed > catchUp)
                break;
            await Task.Delay(1000);
        }

        return new Verdict("Audit: outbox events", wanted.Count == 0, wanted.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"all {codes.Count} created reservations have their reservation.created event in {Stream} ({read} entries read after {streamStart}; waited {waited.Elapsed.TotalSeconds:0.0} s; outbox backlog {backlog})")
            : string.Create(CultureInfo.InvariantCulture, $"{wanted.Count} of {codes.Count} created reservations have no event after {catchUp.TotalSeconds:0} s (outbox backlog {backlog}), e.g. {string.Join(", ", wanted.Take(10))}"));
    }

    /// <summary>Outbox events the relay has not yet published to the stream.</summary>
    public async Task<long> OutboxBacklogAsync()
    {
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<long> ScalarAsync(MySqlConnection connection, string sql, DateTime from)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        command.Parameters.AddWithValue("@from", from);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private ConfigurationOptions RedisOptions()
    {
        var options = ConfigurationOptions.Parse(redisConfiguration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        return options;
    }
}
