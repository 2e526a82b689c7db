using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;

namespace Platform.Api.Reports;

/// <summary>
/// The report totals' state, read before every report: whether they are built, their version (part of
/// each cached answer's key, so a fold of new events invalidates what it changed), and the oldest
/// event not yet folded (the totals hold every change committed before it). One primary-key read and
/// one index dive.
/// </summary>
public sealed class ReportState([FromKeyedServices(Databases.BackOffice)] MySqlDataSource database)
{
    private sealed class Row
    {
        public DateTime? BuiltAt { get; set; }
        public ulong Version { get; set; }
        public DateTime? OldestUnfolded { get; set; }
    }

    public async Task<TotalsState> ReadAsync(RequestDeadline deadline, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(deadline.ReadLimit() + """
            SELECT built_at AS BuiltAt, version AS Version,
                   (SELECT occurred_at FROM outbox FORCE INDEX (ix_outbox_folded) WHERE folded_at IS NULL ORDER BY id LIMIT 1) AS OldestUnfolded
            FROM report_state WHERE id = 1
            """, cancellationToken: cancellationToken));
        return new TotalsState(row.BuiltAt is not null, row.Version,
            row.OldestUnfolded is { } oldest ? new DateTimeOffset(DateTime.SpecifyKind(oldest, DateTimeKind.Utc)) : null);
    }
}

/// <summary>Whether the totals are built, their version, and the time of the oldest event they do not yet hold (null when they hold all).</summary>
public sealed record TotalsState(bool Built, ulong Version, DateTimeOffset? OldestUnfolded)
{
    /// <summary>The instant an answer computed at <paramref name="computedAt"/> from the totals reflects the database as of.</summary>
    public DateTimeOffset AsOf(DateTimeOffset computedAt) => OldestUnfolded is { } oldest && oldest < computedAt ? oldest : computedAt;
}
