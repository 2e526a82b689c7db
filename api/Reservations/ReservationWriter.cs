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
using Platform.Api.Outbox;
using Platform.Contracts.Reservations;

namespace Platform.Api.Reservations;

/// <summary>
/// Writes a new reservation insert-first: the reservation, its nights and its outbox event go to the
/// server as ONE command batch that opens and commits its own transaction, so a successful create is
/// one statement round trip (plus the pool's pipelined reset on checkout); to a Galera node, one
/// statement per round trip (<see cref="WriteBatches"/>). No existence pre-check, no re-select: the
/// constraints decide, and their errors are mapped by number.
/// </summary>
public sealed partial class ReservationWriter(
    MySqlDataSource database,
    WriteBatches batches,
    SessionKiller killer,
    TimeProvider clock,
    IOptions<ReservationOptions> options,
    ILogger<ReservationWriter> logger,
    Func<string> nextCode)
{
    private const int MaxCodeAttempts = 5;
    private const int MaxLockAttempts = 3;

    public ReservationWriter(MySqlDataSource database, WriteBatches batches, SessionKiller killer, TimeProvider clock, IOptions<ReservationOptions> options,
        ILogger<ReservationWriter> logger)
        : this(database, batches, killer, clock, options, logger, ReservationCode.New)
    {
    }

    /// <summary>
    /// Creates a reservation owned by <paramref name="owner"/>; <paramref name="guestSecretHash"/> is the
    /// SHA-256 of an anonymous guest's secret (null for API clients). Idempotency keys are the owner's:
    /// a replay is found by (owner, key); an anonymous guest's key is namespaced by its request (see
    /// <see cref="AnonymousKey"/>). The hold counts against <paramref name="charge"/>'s quota and budget
    /// in the same batch, so a create over either is refused and leaves nothing behind.
    /// </summary>
    public async Task<CreateOutcome> CreateAsync(NewReservation request, Accommodation accommodation,
        string? idempotencyKey, string owner, byte[]? guestSecretHash, HoldCharge charge, RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        var totalPrice = StayPrice.Total(request.CheckIn, request.Nights, accommodation.NightlyPrice, accommodation.WeekendPrice);
        var requestHash = idempotencyKey is null ? null : SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request));
        if (idempotencyKey is not null && guestSecretHash is not null)
            idempotencyKey = AnonymousKey(idempotencyKey, requestHash!);
        int codeAttempts = 0, lockAttempts = 0;

        while (true)
        {
            var reservation = new Reservation(nextCode(), ReservationStatus.PreReserved, request.AccommodationId,
                request.GuestName, request.GuestEmail, request.GuestPhone, request.CheckIn, request.CheckOut,
                request.Nights, request.Guests, totalPrice, now + (charge.HoldTime ?? options.Value.HoldTime), now);

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var oneRoundTrip = await batches.OneRoundTripAsync(connection, cancellationToken);
            await using var kill = killer.Arm(connection, cancellationToken);
            var failure = await TryInsertAsync(connection, kill, oneRoundTrip, reservation, new Ownership(owner, guestSecretHash), idempotencyKey, requestHash,
                charge, deadline);
            if (failure is null)
                return new CreateOutcome.Created(reservation);
            // A failure of a killed session is the cancellation's, whatever the server said last.
            cancellationToken.ThrowIfCancellationRequested();

            var (stage, error) = failure.Value;
            switch (stage, error.Number)
            {
                case (_, DatabaseErrors.Deadlock or DatabaseErrors.LockWaitTimeout) when ++lockAttempts < MaxLockAttempts:
                    LogLockRetry(error.Number, lockAttempts);
                    await Task.Delay(Backoff(lockAttempts), clock, cancellationToken);
                    continue;
                case (Stage.Nights, DatabaseErrors.DuplicateKey):
                    return new CreateOutcome.DatesUnavailable();
                case (Stage.Quota, DatabaseErrors.ConstraintFailed or DatabaseErrors.CheckConstraintViolated):
                    return new CreateOutcome.QuotaExceeded(await EarliestExpiryAsync(connection, charge.Holder!, cancellationToken));
                case (Stage.Budget, DatabaseErrors.ConstraintFailed or DatabaseErrors.CheckConstraintViolated):
                    return new CreateOutcome.BudgetExhausted(await EarliestBudgetExpiryAsync(connection, charge.BudgetShard!.Value, cancellationToken));
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

    /// <summary>
    /// Where in the batch a statement failed: the reservation row, the nights and event after it, the
    /// holder's quota, or the anonymous budget. Each stage after the first begins with a marker that
    /// selects its own number.
    /// </summary>
    private enum Stage { Reservation = 0, Nights = 1, Quota = 2, Budget = 3 }

    /// <summary>
    /// An anonymous guest's stored key: its key and its request, hashed together. The same key with the
    /// same request replays; with another request it is simply another reservation. Guests share one
    /// owner, so a key used as sent would let one guest squat another's key or learn that it was used.
    /// </summary>
    internal static string AnonymousKey(string idempotencyKey, byte[] requestHash)
    {
        Span<byte> input = stackalloc byte[Encoding.UTF8.GetMaxByteCount(idempotencyKey.Length) + 1 + requestHash.Length];
        var written = Encoding.UTF8.GetBytes(idempotencyKey, input);
        input[written++] = (byte)'\n';
        requestHash.CopyTo(input[written..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..(written + requestHash.Length)], hash);
        return "~" + System.Buffers.Text.Base64Url.EncodeToString(hash);
    }

    /// <summary>Who the new row belongs to.</summary>
    private readonly record struct Ownership(string Owner, byte[]? GuestSecretHash);

    /// <summary>
    /// Runs the batch; the driver is given no token (see <see cref="SessionKiller"/>): a cancellation
    /// kills the session under <paramref name="kill"/>, and its error is thrown as the cancellation.
    /// </summary>
    private static async Task<(Stage, MySqlException)?> TryInsertAsync(MySqlConnection connection, SessionKiller.Armed kill, bool oneRoundTrip,
        Reservation reservation, Ownership ownership, string? idempotencyKey, byte[]? requestHash, HoldCharge charge, RequestDeadline deadline)
    {
        var (statements, command) = BuildBatch(connection, reservation, ownership, idempotencyKey, requestHash, charge, deadline);
        await using var _ = command;
        var stage = Stage.Reservation;
        try
        {
            if (oneRoundTrip)
            {
                command.CommandText = OneBatch(statements);
                // The batch yields a result set per stage marker, each selecting its stage's number: an error
                // before the first is the reservation's, after it the nights', then the quota's, then the
                // budget's. This tells the constraints apart without reading the server's message text.
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                do
                {
                    if (await reader.ReadAsync(CancellationToken.None))
                        stage = (Stage)reader.GetInt32(0);
                }
                while (await reader.NextResultAsync(CancellationToken.None));
                return null;
            }

            foreach (var (statementStage, sql) in statements)
            {
                stage = statementStage;
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            return null;
        }
        catch (MySqlException ex) when (ex.Number is DatabaseErrors.DuplicateKey or DatabaseErrors.ForeignKeyMissing
                                        or DatabaseErrors.Deadlock or DatabaseErrors.LockWaitTimeout or DatabaseErrors.ConstraintFailed
                                        or DatabaseErrors.CheckConstraintViolated)
        {
            // The server stopped at the failing statement with the transaction still open; end it now
            // so its row locks go at once and nothing half-written can ever commit.
            await connection.RollbackQuietlyAsync();
            return (stage, ex);
        }
        catch (Exception ex)
        {
            await connection.RollbackQuietlyAsync();
            kill.ThrowIfFired(ex);
            throw;
        }
    }

    /// <summary>The statements as one batch, each stage after the first opened by a marker that selects its number.</summary>
    private static string OneBatch(IReadOnlyList<(Stage Stage, string Sql)> statements)
    {
        var sql = new StringBuilder();
        var stage = Stage.Reservation;
        foreach (var statement in statements)
        {
            if (statement.Stage != stage)
            {
                stage = statement.Stage;
                sql.Append(CultureInfo.InvariantCulture, $"SELECT {(int)stage};");
            }
            sql.Append(statement.Sql).Append(';');
        }
        return sql.ToString();
    }

    /// <summary>The transaction's statements, each with the stage it belongs to, and a command holding their parameters.</summary>
    private static (List<(Stage Stage, string Sql)> Statements, MySqlCommand Command) BuildBatch(MySqlConnection connection, Reservation r,
        Ownership ownership, string? idempotencyKey, byte[]? requestHash, HoldCharge charge, RequestDeadline deadline)
    {
        // The deadline's limits first: every statement after them, the COMMIT included, is stopped by
        // the server when the deadline passes, even if this replica can no longer cancel it.
        var statements = new List<(Stage Stage, string Sql)>
        {
            (Stage.Reservation, deadline.SessionLimits().TrimEnd(';')),
            (Stage.Reservation, Transactions.Begin.TrimEnd(';')),
            (Stage.Reservation, """
                INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone,
                    check_in, check_out, nights, guests, total_price, owner_client, guest_secret_hash, holder, budget_shard,
                    idempotency_key, request_hash, expires_at, created_at, updated_at)
                VALUES (@code, 'pre_reserved', @accommodationId, @guestName, @guestEmail, @guestPhone,
                    @checkIn, @checkOut, @nights, @guests, @totalPrice, @owner, @guestSecretHash, @holder, @budgetShard,
                    @idempotencyKey, @requestHash, @expiresAt, @createdAt, @createdAt)
                """),
        };
        var nights = new StringBuilder("INSERT INTO reservation_nights (accommodation_id, night, reservation_id) VALUES ");
        var command = new MySqlCommand { Connection = connection };
        for (var i = 0; i < r.Nights; i++)
        {
            // Ascending nights: overlapping writers lock keys in the same order and cannot deadlock.
            nights.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}(@accommodationId, @night{i}, LAST_INSERT_ID())");
            command.Parameters.AddWithValue($"@night{i}", r.CheckIn.AddDays(i).ToDateTime(TimeOnly.MinValue));
        }
        statements.Add((Stage.Nights, nights.ToString()));
        statements.Add((Stage.Nights, "INSERT INTO outbox (event_type, reservation_code, payload, occurred_at, trace_parent) VALUES (@eventType, @code, @payload, @createdAt, @traceParent)"));
        // The counters last, just before COMMIT: a holder's row (and a budget shard's) is locked for the
        // shortest time, and a create that would go over fails its CHECK (4025) with nothing committed.
        if (charge.Holder is not null)
        {
            statements.Add((Stage.Quota, """
                INSERT INTO hold_counters (holder, holds, nights, max_holds, max_nights)
                VALUES (@holder, 1, @nights, @maxHolds, @maxNights)
                ON DUPLICATE KEY UPDATE holds = holds + 1, nights = nights + VALUES(nights),
                    max_holds = VALUES(max_holds), max_nights = VALUES(max_nights)
                """));
        }
        if (charge.BudgetShard is not null)
        {
            statements.Add((Stage.Budget, """
                INSERT INTO hold_budget (shard, nights, max_nights) VALUES (@budgetShard, @nights, @shardBudget)
                ON DUPLICATE KEY UPDATE nights = nights + VALUES(nights), max_nights = VALUES(max_nights)
                """));
        }
        // COMMIT belongs to the last stage: a CHECK refusing the counters is reported at its statement,
        // and a Galera node reports a lost certification at COMMIT, which a retry handles whatever the stage.
        statements.Add((statements[^1].Stage, "COMMIT"));
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
        p.AddWithValue("@holder", charge.Holder);
        p.AddWithValue("@budgetShard", charge.BudgetShard);
        p.AddWithValue("@maxHolds", charge.MaxHolds);
        p.AddWithValue("@maxNights", charge.MaxNights);
        p.AddWithValue("@shardBudget", charge.ShardBudget);
        p.AddWithValue("@expiresAt", r.ExpiresAt);
        p.AddWithValue("@createdAt", r.CreatedAt);
        p.AddWithValue("@eventType", ReservationEvents.Created);
        p.AddWithValue("@traceParent", TracedEvents.TraceParent());
        p.AddWithValue("@payload", ReservationEvents.Payload(r, ownership.Owner));
        return (statements, command);
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

    /// <summary>When the holder's earliest hold expires (for its Retry-After); read only on a refusal.</summary>
    private static async Task<DateTime?> EarliestExpiryAsync(MySqlConnection connection, string holder, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            SELECT MIN(expires_at) FROM reservations WHERE holder = @holder AND status = 'pre_reserved'
            """, new { holder }, cancellationToken: cancellationToken));

    /// <summary>When the earliest hold of a budget shard expires; read only on a refusal. Walks the expiry index in order.</summary>
    private static async Task<DateTime?> EarliestBudgetExpiryAsync(MySqlConnection connection, int shard, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            SELECT expires_at FROM reservations FORCE INDEX (ix_reservations_status_expires)
            WHERE status = 'pre_reserved' AND budget_shard = @shard ORDER BY expires_at LIMIT 1
            """, new { shard }, cancellationToken: cancellationToken));

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

    /// <summary>The holder already holds its quota of holds or nights; <paramref name="EarliestExpiry"/> is when its first hold goes.</summary>
    public sealed record QuotaExceeded(DateTime? EarliestExpiry) : CreateOutcome;

    /// <summary>All anonymous holds together hold their budget of nights (this hold's shard of it).</summary>
    public sealed record BudgetExhausted(DateTime? EarliestExpiry) : CreateOutcome;
}

/// <summary>
/// What a new hold counts against (docs/api.md, Limits): its holder's quota (null holder: none) and, for
/// an anonymous hold, a shard of the budget of all anonymous holds (null: none); and how long it holds
/// (null: <c>Reservations:HoldTime</c>).
/// </summary>
public sealed record HoldCharge(string? Holder, int MaxHolds, int MaxNights, int? BudgetShard, int ShardBudget, TimeSpan? HoldTime)
{
    public static readonly HoldCharge None = new(null, 0, 0, null, 0, null);
}
