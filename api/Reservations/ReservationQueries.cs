using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;

namespace Platform.Api.Reservations;

/// <summary>Reads of reservations; each is one indexed query, bounded on the server by the request's deadline.</summary>
public sealed class ReservationQueries(MySqlDataSource database, TimeProvider clock)
{
    /// <summary>The reservation, if it exists and <paramref name="access"/> admits it; another client's is not found, exactly as a missing one.</summary>
    public async Task<Reservation?> FindAsync(string code, ReservationAccess access, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ReservationRow>(new CommandDefinition(
            $"{deadline.ReadLimit()}SELECT {ReservationRow.Columns} FROM reservations r WHERE r.code = @code{access.Condition}",
            new { code, owner = access.Owner }, cancellationToken: cancellationToken));
        return row is not null && access.Admits(row) ? row.ToReservation(Now()) : null;
    }

    /// <summary>A guest's reservations, newest first: the caller's own (index (owner_client, guest_phone, created_at)), or every client's for an admin.</summary>
    public async Task<IReadOnlyList<Reservation>> ListByPhoneAsync(string guestPhone, int limit, ReservationAccess access,
        RequestDeadline deadline, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReservationRow>(new CommandDefinition($"""
            {deadline.ReadLimit()}SELECT {ReservationRow.Columns} FROM reservations r
            WHERE r.guest_phone = @guestPhone{access.Condition}
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT @limit
            """, new { guestPhone, limit, owner = access.Owner }, cancellationToken: cancellationToken));
        var now = Now();
        return rows.Select(r => r.ToReservation(now)).ToList();
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
}
