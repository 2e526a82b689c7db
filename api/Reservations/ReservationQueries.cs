using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;

namespace Platform.Api.Reservations;

/// <summary>Reads of reservations; each is one indexed query, bounded on the server by the request's deadline.</summary>
public sealed class ReservationQueries(MySqlDataSource database, TimeProvider clock)
{
    public async Task<Reservation?> FindAsync(string code, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ReservationRow>(new CommandDefinition(
            $"{deadline.ReadLimit()}SELECT {ReservationRow.Columns} FROM reservations r WHERE r.code = @code",
            new { code }, cancellationToken: cancellationToken));
        return row?.ToReservation(Now());
    }

    /// <summary>A guest's reservations, newest first.</summary>
    public async Task<IReadOnlyList<Reservation>> ListByPhoneAsync(string guestPhone, int limit, RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReservationRow>(new CommandDefinition($"""
            {deadline.ReadLimit()}SELECT {ReservationRow.Columns} FROM reservations r
            WHERE r.guest_phone = @guestPhone
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT @limit
            """, new { guestPhone, limit }, cancellationToken: cancellationToken));
        var now = Now();
        return rows.Select(r => r.ToReservation(now)).ToList();
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
}
