using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Outbox;

namespace Platform.Api.Reservations;

/// <summary>
/// Confirm and cancel. The reservation row is locked first, so a transition cannot interleave with
/// another transition or with the expiry sweep (which skips locked rows); the status change, the
/// freed nights and the event commit together. The batches are multi-statement, so the driver is given
/// no token: a cancellation kills the session instead (<see cref="SessionKiller"/>).
/// </summary>
public sealed class ReservationTransitions(MySqlDataSource database, WriteBatches batches, SessionKiller killer, TimeProvider clock)
{
    public Task<TransitionOutcome> ConfirmAsync(string code, ReservationAccess access, RequestDeadline deadline, CancellationToken cancellationToken) =>
        TransitionAsync(code, ReservationStatus.Confirmed, access, deadline, cancellationToken);

    public Task<TransitionOutcome> CancelAsync(string code, ReservationAccess access, RequestDeadline deadline, CancellationToken cancellationToken) =>
        TransitionAsync(code, ReservationStatus.Cancelled, access, deadline, cancellationToken);

    /// <summary>
    /// Another client's reservation (or, for a guest, one whose secret it does not show) is
    /// <see cref="TransitionOutcome.NotFound"/>, exactly as a missing one, and nothing is changed.
    /// </summary>
    private async Task<TransitionOutcome> TransitionAsync(string code, string target, ReservationAccess access, RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var kill = killer.Arm(connection, cancellationToken);
        try
        {
            // The limits stay on the session for the second batch too: the row lock, the update and the
            // COMMIT all end at the deadline on the server, whatever happens to this replica.
            var row = await connection.QuerySingleOrDefaultAsync<ReservationRow>(new CommandDefinition($"""
                {deadline.SessionLimits()}
                {Transactions.Begin}
                SELECT {ReservationRow.Columns} FROM reservations r WHERE r.code = @code{access.Condition} FOR UPDATE
                """, new { code, owner = access.Owner }, cancellationToken: CancellationToken.None));
            if (row is null || !access.Admits(row))
            {
                await connection.ExecuteAsync("ROLLBACK");
                return new TransitionOutcome.NotFound();
            }

            var current = row.ToReservation(now);
            var refusal = Refusal(current.Status, target);
            if (refusal is not null || current.Status == target)
            {
                await connection.ExecuteAsync("ROLLBACK");
                // Confirming a confirmed reservation (a retried request) is answered as a success.
                return refusal is null ? new TransitionOutcome.Done(current) : new TransitionOutcome.Refused(current, refusal);
            }

            var eventType = target == ReservationStatus.Confirmed ? ReservationEvents.Confirmed : ReservationEvents.Cancelled;
            List<string> statements = ["UPDATE reservations SET status = @target, updated_at = @now WHERE id = @id"];
            if (target == ReservationStatus.Cancelled)
                statements.Add("DELETE FROM reservation_nights WHERE reservation_id = @id");
            statements.Add("INSERT INTO outbox (event_type, reservation_code, payload, occurred_at, trace_parent) VALUES (@eventType, @code, @payload, @now, @traceParent)");
            // A hold that stops being held (confirmed, or cancelled before it was) gives its count back
            // in this transaction (docs/api.md, Limits).
            if (row.Status == ReservationStatus.PreReserved)
                statements.AddRange(HoldRelease.Statements(row.Holder, row.BudgetShard));
            statements.Add("COMMIT");
            await batches.ExecuteAsync(connection, statements, new
            {
                id = row.Id,
                target,
                now,
                eventType,
                code = row.Code,
                payload = ReservationEvents.StatusChange(row, target, now),
                traceParent = TracedEvents.TraceParent(),
                holder = row.Holder,
                shard = row.BudgetShard,
                nights = row.Nights,
            }, CancellationToken.None);
            return new TransitionOutcome.Done(row.ToReservation(target));
        }
        catch (Exception ex)
        {
            await connection.RollbackQuietlyAsync();
            kill.ThrowIfFired(ex);
            throw;
        }
    }

    /// <summary>Why <paramref name="current"/> cannot become <paramref name="target"/>; null when it can.</summary>
    private static string? Refusal(string current, string target) => (current, target) switch
    {
        (ReservationStatus.PreReserved, _) => null,
        (ReservationStatus.Confirmed, ReservationStatus.Confirmed) => null,
        (ReservationStatus.Confirmed, ReservationStatus.Cancelled) => null,
        (ReservationStatus.Cancelled, ReservationStatus.Cancelled) => "The reservation is already cancelled.",
        (ReservationStatus.Cancelled, _) => "The reservation was cancelled.",
        (ReservationStatus.Expired, _) => "The reservation expired before it was confirmed; its nights were released.",
        _ => $"A {current} reservation cannot become {target}.",
    };
}

public abstract record TransitionOutcome
{
    public sealed record Done(Reservation Reservation) : TransitionOutcome;
    public sealed record NotFound : TransitionOutcome;
    public sealed record Refused(Reservation Reservation, string Reason) : TransitionOutcome;
}
