using System.Globalization;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Api.Outbox;

/// <summary>
/// After the database is restored to an earlier point, the Redis stream can hold events the database
/// no longer has: they were published after that point. Their reservations (or the changes they told
/// of) are gone, and their <c>event_id</c>s are free again, so the next events would reuse them and a
/// consumer de-duplicating on <c>event_id</c> would drop those as seen. Before it publishes anything,
/// the relay that takes the lease finds such events and, in one transaction, writes a
/// <c>reservation.rolled_back</c> event for each (the lost event's id, type and code, and the
/// reservation's status now, or that it no longer exists), with ids past every id in the stream; an
/// unpublished event that already took a lost id (written between the restore and this) moves past
/// them too. Nothing here is done by hand elsewhere: no library knows both the outbox and the stream.
/// </summary>
public sealed partial class RolledBackEvents(IOptions<OutboxOptions> options, TimeProvider clock, ILogger<RolledBackEvents> logger)
{
    public const string EventType = "reservation.rolled_back";

    /// <summary>Entries read per step while walking back through the stream.</summary>
    private const int Page = 500;

    /// <summary>
    /// Stream entries added this much before the newest publication the database remembers cannot be
    /// lost: it covers the clocks of Redis and the replicas disagreeing, and nothing more.
    /// </summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long the newest-change scan may take, after a restore only.</summary>
    private static readonly TimeSpan NewestChangeLimit = TimeSpan.FromMinutes(1);

    /// <summary>Finds and flags events the database lost; returns how many. Cheap when there are none: one short stream read, two small queries.</summary>
    public async Task<int> ReconcileAsync(MySqlConnection connection, IDatabase redis, string limits, CancellationToken cancellationToken)
    {
        var stream = options.Value.Stream;
        // The newest few, of which the relay's own (entries someone else added are never flagged).
        var last = (await redis.StreamRangeAsync(stream, "-", "+", count: 10, messageOrder: Order.Descending)).Select(Entry.Read).OfType<Entry>().ToList();
        if (last.Count == 0)
            return 0;
        var nextId = await connection.QuerySingleAsync<long>(new CommandDefinition($"""
            {limits}
            SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'outbox'
            """, cancellationToken: CancellationToken.None));
        if ((await LostAsync(connection, last, nextId, cancellationToken)).Count == 0)
            return 0;

        // Whatever was published before the newest change the database remembers was published before
        // the point it was restored to: the walk back through the stream stops there. Only after a restore:
        // neither column has an index, and over a million reservations the scan outlasts the relay's
        // short limit (it once ran on every lease taken, and failed there while replicas started), so it
        // has a bound of its own.
        var newest = await connection.QuerySingleAsync<DateTime?>(new CommandDefinition($"""
            {StatementLimits.Statement(NewestChangeLimit)}
            SELECT GREATEST(COALESCE((SELECT MAX(updated_at) FROM reservations), '1970-01-01'), COALESCE((SELECT MAX(occurred_at) FROM outbox), '1970-01-01'))
            """, cancellationToken: CancellationToken.None));
        var since = new DateTimeOffset(DateTime.SpecifyKind(newest ?? DateTime.UnixEpoch, DateTimeKind.Utc)) - ClockMargin;
        var lost = new List<Entry>();
        var maxStreamId = 0L;
        RedisValue before = "+";
        for (var scanned = 0; scanned < options.Value.StreamMaxLength; scanned += Page)
        {
            var raw = (await redis.StreamRangeAsync(stream, "-", before, count: Page + 1, messageOrder: Order.Descending))
                .Where(e => e.Id != before).Take(Page).ToList();
            if (raw.Count == 0)
                break;
            before = raw[^1].Id;
            var page = raw.Select(Entry.Read).OfType<Entry>().ToList();
            maxStreamId = Math.Max(maxStreamId, page.Select(e => e.EventId).DefaultIfEmpty().Max());
            var recent = page.Where(e => e.AddedAt >= since).ToList();
            lost.AddRange(await LostAsync(connection, recent, nextId, cancellationToken));
            if (recent.Count < page.Count)
                break;
        }

        if (lost.Count == 0)
            return 0;
        await FlagAsync(connection, lost, maxStreamId, limits, cancellationToken);
        LogRolledBack(lost.Count, lost.Min(e => e.EventId), lost.Max(e => e.EventId));
        return lost.Count;
    }

    /// <summary>
    /// The entries the outbox lost: an id it has not reached yet, or one that another event holds now.
    /// An id below the next with no row at all is an event the retention deleted after publishing it.
    /// </summary>
    private static async Task<List<Entry>> LostAsync(MySqlConnection connection, List<Entry> entries, long nextId, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
            return [];
        var held = (await connection.QueryAsync<(long Id, string Type, string Code)>(new CommandDefinition(
                "SELECT id, event_type, reservation_code FROM outbox WHERE id IN @ids",
                new { ids = entries.Select(e => e.EventId).Distinct() }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id);
        return entries.Where(e => held.TryGetValue(e.EventId, out var row) ? (row.Type, row.Code) != (e.Type, e.Code) : e.EventId >= nextId).ToList();
    }

    private async Task FlagAsync(MySqlConnection connection, List<Entry> lost, long maxStreamId, string limits, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        try
        {
            await connection.ExecuteAsync(new CommandDefinition($"{limits} {Transactions.Begin}", cancellationToken: CancellationToken.None));
            var next = Math.Max(maxStreamId, await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COALESCE(MAX(id), 0) FROM outbox FOR UPDATE", cancellationToken: cancellationToken))) + 1;

            // Unpublished events that took a lost id since the restore move past the stream's ids.
            var taken = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM outbox WHERE id IN @ids AND published_at IS NULL ORDER BY id",
                new { ids = lost.Select(e => e.EventId).Distinct() }, cancellationToken: cancellationToken))).ToList();
            foreach (var id in taken)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE outbox SET id = @next WHERE id = @id", new { next = next++, id }, cancellationToken: cancellationToken));
            }

            var statuses = (await connection.QueryAsync<(string Code, string Status)>(new CommandDefinition(
                    "SELECT code, status FROM reservations WHERE code IN @codes",
                    new { codes = lost.Select(e => e.Code).Distinct() }, cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Code, r => r.Status, StringComparer.Ordinal);
            foreach (var entry in lost.OrderBy(e => e.EventId))
            {
                var payload = JsonSerializer.Serialize(new
                {
                    entry.Code,
                    RolledBackEventId = entry.EventId,
                    RolledBackType = entry.Type,
                    Status = statuses.GetValueOrDefault(entry.Code),
                    Exists = statuses.ContainsKey(entry.Code),
                    OccurredAt = now,
                }, Json);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO outbox (id, event_type, reservation_code, payload, occurred_at) VALUES (@id, @type, @code, @payload, @now)",
                    new { id = next++, type = EventType, code = entry.Code, payload, now }, cancellationToken: cancellationToken));
            }

            await connection.ExecuteAsync("COMMIT");
        }
        catch
        {
            await connection.RollbackQuietlyAsync();
            throw;
        }
    }

    /// <summary>One stream entry, as the relay wrote it.</summary>
    private sealed record Entry(DateTimeOffset AddedAt, long EventId, string Type, string Code)
    {
        /// <summary>Null for an entry the relay did not write (no event id of ours): never flagged.</summary>
        public static Entry? Read(StreamEntry entry)
        {
            var id = entry.Id.ToString();
            var dash = id.IndexOf('-', StringComparison.Ordinal);
            return dash > 0
                   && long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var millis)
                   && long.TryParse((string?)entry["event_id"], NumberStyles.None, CultureInfo.InvariantCulture, out var eventId) && eventId > 0
                   && entry["code"].ToString() is { Length: > 0 } code
                ? new Entry(DateTimeOffset.FromUnixTimeMilliseconds(millis), eventId, entry["type"].ToString(), code)
                : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream held {Count} events the database no longer has (event ids {First}..{Last}), published after the point it was restored to; wrote a reservation.rolled_back event for each")]
    private partial void LogRolledBack(int count, long first, long last);
}
