using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Accommodations;
using Platform.Api.Database;
using Platform.Api.Deadlines;

namespace Platform.Api.Reservations;

/// <summary>
/// Writes a new reservation insert-first: the reservation, its nights and its outbox event go to the
/// server as ONE command batch that opens and commits its own transaction, so a successful create is
/// one statement round trip (plus the pool's pipelined reset on checkout). No existence pre-check,
/// no re-select: the constraints decide, and their errors are mapped by number.
/// </summary>
public sealed partial class ReservationWriter(
    MySqlDataSource database,
    TimeProvider clock,
    IOptions<ReservationOptions> options,
    ILogger<ReservationWriter> logger,
    Func<string> nextCode)
{
    private const int MaxCodeAttempts = 5;
    private const int MaxLockAttempts = 3;

    public ReservationWriter(MySqlDataSource database, TimeProvider clock, IOptions<ReservationOptions> options, ILogger<ReservationWriter> logger)
        : this(database, clock, options, logger, ReservationCode.New)
    {
    }

    /// <summary>
    /// Creates a reservation owned by <paramref name="owner"/>; <paramref name="guestSecretHash"/> is the
    /// SHA-256 of an anonymous guest's secret (null for API clients). Idempotency keys are the owner's:
    /// a replay is found by (owner, key).
    /// </summary>
    public async Task<CreateOutcome> CreateAsync(NewReservation request, Accommodation accommodation,
        string? idempotencyKey, string owner, byte[]? guestSecretHash, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        var totalPrice = StayPrice.Total(request.CheckIn, request.Nights, accommodation.NightlyPrice, accommodation.WeekendPrice);
        var requestHash = idempotencyKey is null ? null : SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request));
        int codeAttempts = 0, lockAttempts = 0;

        while (true)
        {
            var reservation = new Reservation(nextCode(), ReservationStatus.PreReserved, request.AccommodationId,
                request.GuestName, request.GuestEmail, request.GuestPhone, request.CheckIn, request.CheckOut,
                request.Nights, request.Guests, totalPrice, now + options.Value.HoldTime, now);

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var failure = await TryInsertAsync(connection, reservation, new Ownership(owner, guestSecretHash), idempotencyKey, requestHash,
                deadline, cancellationToken);
            if (failure is null)
                return new CreateOutcome.Created(reservation);

            var (stage, error) = failure.Value;
            switch (stage, error.Number)
            {
                case (_, DatabaseErrors.Deadlock or DatabaseErrors.LockWaitTimeout) when ++lockAttempts < MaxLockAttempts:
                    LogLockRetry(error.Number, lockAttempts);
                    await Task.Delay(Backoff(lockAttempts), clock, cancellationToken);
                    continue;
                case (Stage.Nights, DatabaseErrors.DuplicateKey):
                    return new CreateOutcome.DatesUnavailable();
                case (Stage.Reservation, DatabaseErrors.ForeignKeyMissing):
                    return new CreateOutcome.UnknownAccommodation();
                case (Stage.Reservation, DatabaseErrors.DuplicateKey):
                    // Either the code or this owner's idempotency key is taken. The key's row decides
                    // which; this read happens only on this rare path, never on a normal create.
                    if (idempotencyKey is not null
                        && await FindByIdempotencyKeyAsync(connection, owner, idempotencyKey, cancellationToken) is { } existing)
                    {
                        return existing.RequestHash.AsSpan().SequenceEqual(requestHash)
                            ? new CreateOutcome.Replayed(existing.Row.ToReservation(ReservationStatus.PreReserved))
                            : new CreateOutcome.IdempotencyKeyReused();
                    }
                    if (++codeAttempts < MaxCodeAttempts)
                    {
                        LogCodeCollision(reservation.Code);
                        continue;
                    }
                    throw new InvalidOperationException($"{MaxCodeAttempts} random reservation codes in a row were taken.", error);
                default:
                    throw error;
            }
        }
    }

    /// <summary>Where in the batch a statement failed: the reservation row, or the nights and event after it.</summary>
    private enum Stage { Reservation, Nights }

    /// <summary>Who the new row belongs to.</summary>
    private readonly record struct Ownership(string Owner, byte[]? GuestSecretHash);

    private static async Task<(Stage, MySqlException)?> TryInsertAsync(MySqlConnection connection, Reservation reservation,
        Ownership ownership, string? idempotencyKey, byte[]? requestHash, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        await using var command = BuildBatch(connection, reservation, ownership, idempotencyKey, requestHash, deadline);
        var stage = Stage.Reservation;
        try
        {
            // The batch yields one result set, a marker selected right after the reservation insert:
            // an error before it is the reservation's, an error after it is the nights'. This tells the
            // constraints apart without reading the server's message text.
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            stage = Stage.Nights;
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
            return null;
        }
        catch (MySqlException ex) when (ex.Number is DatabaseErrors.DuplicateKey or DatabaseErrors.ForeignKeyMissing
                                        or DatabaseErrors.Deadlock or DatabaseErrors.LockWaitTimeout)
        {
            // The server stopped at the failing statement with the transaction still open; end it now
            // so its row locks go at once and nothing half-written can ever commit.
            await connection.RollbackQuietlyAsync();
            return (stage, ex);
        }
        catch
        {
            await connection.RollbackQuietlyAsync();
            throw;
        }
    }

    private static MySqlCommand BuildBatch(MySqlConnection connection, Reservation r, Ownership ownership, string? idempotencyKey,
        byte[]? requestHash, RequestDeadline deadline)
    {
        // The deadline's limits first: every statement after them, the COMMIT included, is stopped by
        // the server when the deadline passes, even if this replica can no longer cancel it.
        var sql = new StringBuilder(deadline.SessionLimits()).Append(Transactions.Begin).Append("""
            INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone,
                check_in, check_out, nights, guests, total_price, owner_client, guest_secret_hash,
                idempotency_key, request_hash, expires_at, created_at, updated_at)
            VALUES (@code, 'pre_reserved', @accommodationId, @guestName, @guestEmail, @guestPhone,
                @checkIn, @checkOut, @nights, @guests, @totalPrice, @owner, @guestSecretHash,
                @idempotencyKey, @requestHash, @expiresAt, @createdAt, @createdAt);
            SELECT 1;
            INSERT INTO reservation_nights (accommodation_id, night, reservation_id) VALUES
            """);
        var command = new MySqlCommand { Connection = connection };
        for (var i = 0; i < r.Nights; i++)
        {
            // Ascending nights: overlapping writers lock keys in the same order and cannot deadlock.
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}(@accommodationId, @night{i}, LAST_INSERT_ID())");
            command.Parameters.AddWithValue($"@night{i}", r.CheckIn.AddDays(i).ToDateTime(TimeOnly.MinValue));
        }
        sql.Append("""
            ;
            INSERT INTO outbox (event_type, reservation_code, payload, occurred_at) VALUES (@eventType, @code, @payload, @createdAt);
            COMMIT;
            """);
        command.CommandText = sql.ToString();
        var p = command.Parameters;
        p.AddWithValue("@code", r.Code);
        p.AddWithValue("@accommodationId", r.AccommodationId);
        p.AddWithValue("@guestName", r.GuestName);
        p.AddWithValue("@guestEmail", r.GuestEmail);
        p.AddWithValue("@guestPhone", r.GuestPhone);
        p.AddWithValue("@checkIn", r.CheckIn.ToDateTime(TimeOnly.MinValue));
        p.AddWithValue("@checkOut", r.CheckOut.ToDateTime(TimeOnly.MinValue));
        p.AddWithValue("@nights", r.Nights);
        p.AddWithValue("@guests", r.Guests);
        p.AddWithValue("@totalPrice", r.TotalPrice);
        p.AddWithValue("@owner", ownership.Owner);
        p.AddWithValue("@guestSecretHash", ownership.GuestSecretHash);
        p.AddWithValue("@idempotencyKey", idempotencyKey);
        p.AddWithValue("@requestHash", requestHash);
        p.AddWithValue("@expiresAt", r.ExpiresAt);
        p.AddWithValue("@createdAt", r.CreatedAt);
        p.AddWithValue("@eventType", ReservationEvents.Created);
        p.AddWithValue("@payload", ReservationEvents.Payload(r, ownership.Owner));
        return command;
    }

    private static async Task<(ReservationRow Row, byte[] RequestHash)?> FindByIdempotencyKeyAsync(
        MySqlConnection connection, string owner, string idempotencyKey, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ReservationRow>(new CommandDefinition($"""
            SELECT {ReservationRow.Columns}, r.request_hash AS RequestHash FROM reservations r
            WHERE r.owner_client = @owner AND r.idempotency_key = @idempotencyKey
            """, new { owner, idempotencyKey }, cancellationToken: cancellationToken));
        return row is null ? null : (row, row.RequestHash ?? []);
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lock conflict {ErrorNumber} on create, retry {Attempt}")]
    private partial void LogLockRetry(int errorNumber, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation code {Code} already taken, drawing another")]
    private partial void LogCodeCollision(string code);
}

/// <summary>What a create came to; the endpoint turns each into its HTTP answer.</summary>
public abstract record CreateOutcome
{
    public sealed record Created(Reservation Reservation) : CreateOutcome;
    public sealed record Replayed(Reservation Reservation) : CreateOutcome;
    public sealed record DatesUnavailable : CreateOutcome;
    public sealed record UnknownAccommodation : CreateOutcome;
    public sealed record IdempotencyKeyReused : CreateOutcome;
}
