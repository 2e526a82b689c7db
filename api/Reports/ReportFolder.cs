using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Database;
using Prometheus;

namespace Platform.Api.Reports;

/// <summary>
/// Keeps the report totals (migration 007) up to date from the outbox events. The outbox relay's loop
/// calls it before each relay batch, so it runs on the one replica holding the relay's lease and never
/// beside the relay's own locking of the same rows. A fold reads the events not yet folded, adds what
/// they change (<see cref="ReportDeltas"/>), and marks them folded, all in one transaction: an event
/// is counted once however often a fold is retried, and an event whose transaction commits late is
/// simply found by the next fold (events are found by their mark, never by a high-water id). The
/// <c>report_state</c> row is locked first, so of two folds (a lease changing hands) the second skips its turn.
/// When a build is owed (after migration 007, or after a seed wrote the tables directly) the totals are
/// computed from the raw tables in one consistent snapshot, and exactly the events that snapshot saw
/// are marked folded with them. Nothing here is done by a library: the totals are this schema's own.
/// </summary>
public sealed partial class ReportFolder(
    [FromKeyedServices(Databases.Background)] MySqlDataSource database,
    WriteBatches batches,
    IOptions<DatabaseOptions> databaseOptions,
    TimeProvider clock,
    ILogger<ReportFolder> logger)
{
    /// <summary>Events folded per transaction; a fold takes batches until fewer are waiting.</summary>
    private const int BatchSize = 1000;

    /// <summary>At most this many batches per call, so the relay's own batch is never starved.</summary>
    private const int MaxBatchesPerCall = 10;

    /// <summary>Rows per INSERT while a build writes the totals.</summary>
    private const int BuildChunk = 1000;

    /// <summary>A build reads every reservation; it is bounded on the server by this rather than by the relay's short limit.</summary>
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(10);

    private static readonly Counter Folded = Metrics.CreateCounter(
        "report_events_folded_total", "Outbox events folded into the report totals by this replica.");
    private static readonly Counter Builds = Metrics.CreateCounter(
        "report_builds_total", "Times this replica built the report totals from the raw tables.");

    /// <summary>A build under way on this replica: it runs beside the relay's loop, never in it, so publishing goes on meanwhile.</summary>
    private Task? _build;

    /// <summary>
    /// Folds every event waiting (up to <see cref="MaxBatchesPerCall"/> batches) and returns how many;
    /// when a build is owed, starts one in the background and returns; while one runs (here or, its lock
    /// held, on another replica) folds nothing.
    /// </summary>
    public async Task<int> FoldAsync(CancellationToken cancellationToken)
    {
        if (_build is { IsCompleted: false })
            return 0;
        if (_build is { IsFaulted: true } failed)
            LogBuildFailed(failed.Exception.GetBaseException().Message); // Still owed: the next turn starts it again.
        _build = null;

        var total = 0;
        for (var batch = 0; batch < MaxBatchesPerCall; batch++)
        {
            var folded = await FoldBatchAsync(cancellationToken);
            if (folded is null)
            {
                _build = Task.Run(() => BuildAsync(cancellationToken), CancellationToken.None);
                return total;
            }
            total += folded.Value;
            if (folded.Value < BatchSize)
                break;
        }
        return total;
    }

    /// <summary>The events not yet folded, oldest first, with their reservations' facts (internal: a test reads its plan).</summary>
    internal const string PendingSql = """
        SELECT o.id AS Id, o.event_type AS EventType, o.payload AS Payload,
               r.created_at AS CreatedAt, r.owner_client AS OwnerClient, r.check_in AS CheckIn, r.nights AS Nights,
               r.total_price AS TotalPrice, a.nightly_price AS NightlyPrice, a.weekend_price AS WeekendPrice
        FROM outbox o FORCE INDEX (ix_outbox_folded)
        LEFT JOIN reservations r ON r.code = o.reservation_code
        LEFT JOIN accommodations a ON a.id = r.accommodation_id
        WHERE o.folded_at IS NULL
        ORDER BY o.id LIMIT @BatchSize
        """;

    private string Limits(TimeSpan? limit = null) =>
        StatementLimits.Session(limit ?? TimeSpan.FromSeconds(databaseOptions.Value.BackgroundStatementTimeoutSeconds));

    // Null when a build is owed instead.
    private async Task<int?> FoldBatchAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            // SKIP LOCKED: a build holds the row for as long as it runs (seconds), and waiting would hold the relay.
            var built = await connection.QueryFirstOrDefaultAsync<bool?>(new CommandDefinition($"""
                {Limits()}
                {Transactions.BeginReadCommitted}
                SELECT built_at IS NOT NULL FROM report_state WHERE id = 1 FOR UPDATE SKIP LOCKED
                """, cancellationToken: CancellationToken.None));
            if (built is not true)
            {
                await connection.ExecuteAsync("ROLLBACK");
                return built is null ? 0 : null;
            }

            // The reservation's facts used here never change after its create, so they are read without a lock.
            var events = (await connection.QueryAsync<FoldedEvent>(new CommandDefinition(PendingSql, new { BatchSize }, cancellationToken: CancellationToken.None))).ToList();
            if (events.Count == 0)
            {
                await connection.ExecuteAsync("COMMIT");
                return 0;
            }

            var deltas = new ReportDeltas();
            foreach (var e in events)
            {
                if (!deltas.Add(e))
                {
                    // Written by an older version that did not say what a cancellation cancelled: build again.
                    LogUnfoldable(e.Id, e.EventType);
                    await batches.ExecuteAsync(connection, ["UPDATE report_state SET built_at = NULL WHERE id = 1", "COMMIT"], null, CancellationToken.None);
                    return null;
                }
            }

            var parameters = new DynamicParameters(new { now, ids = events.Select(e => e.Id) });
            var statements = new List<string>();
            if (NightsTable.Insert([.. deltas.Nights.Select(n => NightRow(n.Key, n.Value))], parameters, "n", additive: true) is { } nights)
                statements.Add(nights);
            if (CreatedTable.Insert([.. deltas.Created.Select(c => CreatedRow(c.Key, c.Value))], parameters, "c", additive: true) is { } created)
                statements.Add(created);
            statements.Add("UPDATE outbox SET folded_at = @now WHERE id IN @ids");
            statements.Add("UPDATE report_state SET version = version + 1 WHERE id = 1");
            statements.Add("COMMIT");
            await batches.ExecuteAsync(connection, statements, parameters, CancellationToken.None);
            Folded.Inc(events.Count);
            return events.Count;
        }
        catch
        {
            await connection.RollbackQuietlyAsync();
            throw;
        }
    }

    /// <summary>
    /// Computes the totals from the raw tables and replaces them, marking folded exactly the events the
    /// same snapshot saw: those committed later are folded afterwards, the others are in the totals.
    /// The state row is locked before the snapshot starts (InnoDB takes it at the first plain read), so
    /// a fold that committed while this waited is inside the snapshot.
    /// </summary>
    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var built = await connection.QuerySingleAsync<DateTime?>(new CommandDefinition($"""
                {Limits(BuildLimit)}
                SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION;
                SELECT built_at FROM report_state WHERE id = 1 FOR UPDATE
                """, cancellationToken: CancellationToken.None));
            if (built is not null)
            {
                await connection.ExecuteAsync("COMMIT"); // Another replica built them while this one waited.
                return;
            }

            var nights = (await connection.QueryAsync<OccupancyReport.NightRow>(new CommandDefinition(
                    OccupancyReport.RawNightsSql("ix_reservation_nights_night", ""), cancellationToken: CancellationToken.None)))
                .Select(n => NightRow(DateOnly.FromDateTime(n.Night), new NightDelta((int)n.NightsConfirmed, (int)n.NightsHeld, n.RevenueConfirmed, n.RevenueHeld)))
                .ToList();
            var created = (await connection.QueryAsync<(DateTime Day, string Owner, string Status, long Reservations, long Nights, decimal Value)>(
                new CommandDefinition("""
                    SELECT DATE(created_at), owner_client, CAST(status AS CHAR), COUNT(*), CAST(SUM(nights) AS SIGNED), SUM(total_price)
                    FROM reservations GROUP BY 1, 2, 3
                    """, cancellationToken: CancellationToken.None)))
                .Select(c => CreatedRow((DateOnly.FromDateTime(c.Day), c.Owner, c.Status), new CreatedDelta((int)c.Reservations, (int)c.Nights, c.Value)))
                .ToList();
            var seen = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM outbox FORCE INDEX (ix_outbox_folded) WHERE folded_at IS NULL", cancellationToken: CancellationToken.None))).ToList();

            var read = clock.GetUtcNow() - started;
            var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
            await batches.ExecuteAsync(connection, ["DELETE FROM report_nights", "DELETE FROM report_created"], null, CancellationToken.None);
            foreach (var (table, rows) in new[] { (NightsTable, nights), (CreatedTable, created) })
            {
                foreach (var chunk in rows.Chunk(BuildChunk))
                {
                    var parameters = new DynamicParameters();
                    await connection.ExecuteAsync(new CommandDefinition(table.Insert(chunk, parameters, "r", additive: false)!, parameters,
                        cancellationToken: CancellationToken.None));
                }
            }
            foreach (var chunk in seen.Chunk(BuildChunk))
            {
                await connection.ExecuteAsync(new CommandDefinition("UPDATE outbox SET folded_at = @now WHERE id IN @ids",
                    new { now, ids = chunk }, cancellationToken: CancellationToken.None));
            }
            await batches.ExecuteAsync(connection, ["UPDATE report_state SET built_at = @now, version = version + 1 WHERE id = 1", "COMMIT"],
                new { now }, CancellationToken.None);
            Builds.Inc();
            LogBuilt(nights.Count, created.Count, seen.Count, read.TotalSeconds, (clock.GetUtcNow() - started).TotalSeconds);
        }
        catch
        {
            await connection.RollbackQuietlyAsync();
            throw;
        }
    }

    /// <summary>The two totals tables: the columns that key a row, and the sums a fold adds to.</summary>
    private static readonly TotalsTable NightsTable = new("report_nights", ["night"], ["nights_confirmed", "nights_held", "revenue_confirmed", "revenue_held"]);
    private static readonly TotalsTable CreatedTable = new("report_created", ["created_day", "owner_client", "status"], ["reservations", "nights", "value"]);

    private static object[] NightRow(DateOnly night, NightDelta d) =>
        [night.ToDateTime(TimeOnly.MinValue), d.Confirmed, d.Held, d.RevenueConfirmed, d.RevenueHeld];

    private static object[] CreatedRow((DateOnly Day, string Owner, string Status) key, CreatedDelta d) =>
        [key.Day.ToDateTime(TimeOnly.MinValue), key.Owner, key.Status, d.Reservations, d.Nights, d.Value];

    private sealed record TotalsTable(string Name, string[] Keys, string[] Sums)
    {
        /// <summary>
        /// One multi-row INSERT of <paramref name="rows"/> (each its key columns, then its sums), its values
        /// added to <paramref name="parameters"/> under <paramref name="prefix"/>; <paramref name="additive"/>:
        /// a row already there has the sums added to it. Null when there are no rows.
        /// </summary>
        public string? Insert(object[][] rows, DynamicParameters parameters, string prefix, bool additive)
        {
            if (rows.Length == 0)
                return null;
            var sql = new StringBuilder($"INSERT INTO {Name} ({string.Join(", ", Keys.Concat(Sums))}) VALUES ");
            for (var i = 0; i < rows.Length; i++)
            {
                sql.Append(i == 0 ? "(" : ",(");
                for (var j = 0; j < rows[i].Length; j++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}_{j}");
                    sql.Append(j == 0 ? "@" : ", @").Append(name);
                    parameters.Add(name, rows[i][j]);
                }
                sql.Append(')');
            }
            if (additive)
                sql.Append(" ON DUPLICATE KEY UPDATE ").AppendJoin(", ", Sums.Select(c => $"{c} = {c} + VALUES({c})"));
            return sql.ToString();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report totals built from the raw tables: {Nights} nights, {Created} day-owner-status rows, {Events} events marked folded, in {Seconds:0.0} s ({ReadSeconds:0.0} s reading)")]
    private partial void LogBuilt(int nights, int created, int events, double readSeconds, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building the report totals failed ({Reason}); the next relay turn tries again")]
    private partial void LogBuildFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox event {Id} ({Type}) cannot be folded exactly; the report totals will be built again from the raw tables")]
    private partial void LogUnfoldable(long id, string type);
}
