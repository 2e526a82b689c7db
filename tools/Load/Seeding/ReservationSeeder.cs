using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MySqlConnector;

namespace Platform.Load.Seeding;

/// <summary>How a seed run went: what it wrote and how fast.</summary>
public sealed record SeedResult(int Reservations, long Nights, IReadOnlyDictionary<string, int> ByStatus, DateOnly From, DateOnly To, TimeSpan Took)
{
    public double ReservationsPerSecond => Reservations / Math.Max(Took.TotalSeconds, 0.001);
}

/// <summary>
/// <c>./platform seed --reservations N</c>: N reservations (<see cref="StayGenerator"/>) and their nights
/// loaded with MySqlConnector's bulk copy (LOAD DATA LOCAL INFILE), a chunk of reservations and their
/// nights per transaction, so a run stopped part-way leaves whole reservations only. Ids are taken as one
/// range, the table's AUTO_INCREMENT moved past it first (without DDL: see ReserveIdsAsync), so the API's
/// own creates (which take the next AUTO_INCREMENT) never meet a seeded id; codes follow from ids (<see cref="SeededCode"/>). Every
/// accommodation is booked only before its first night already taken, so nothing seeded overlaps what is
/// there, a second run included. Seeded reservations write no outbox events: they are history, not news.
/// </summary>
public sealed class ReservationSeeder(string connectionString, TextWriter progress)
{
    /// <summary>Reservations per transaction.</summary>
    public const int ChunkSize = 20_000;

    /// <summary>The latest night the seed books: a year ahead.</summary>
    public static readonly int DaysAhead = 365;

    private static readonly string[] ReservationColumns =
    [
        "id", "code", "status", "accommodation_id", "guest_name", "guest_email", "guest_phone", "check_in", "check_out", "nights", "guests",
        "total_price", "owner_client", "guest_secret_hash", "expires_at", "created_at", "updated_at",
    ];

    private static readonly string[] NightColumns = ["accommodation_id", "night", "reservation_id"];

    public async Task<SeedResult> SeedAsync(int count, int randomSeed, DateTime now, TimeSpan holdTime, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var clock = Stopwatch.StartNew();
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(connectionString) { AllowLoadLocalInfile = true, DefaultCommandTimeout = 600 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var accommodations = await AccommodationsAsync(connection, DateOnly.FromDateTime(now).AddDays(DaysAhead), cancellationToken);
        if (accommodations.Count == 0)
            throw new Topology.PlatformException("the database has no accommodations; start the platform with './platform up' first (the replicas' migrations add them)");
        var firstId = await ReserveIdsAsync(connection, accommodations[0].Id, count, cancellationToken);

        var generator = new StayGenerator(now, holdTime);
        var random = new Random(randomSeed);
        var byStatus = new Dictionary<string, int>(StringComparer.Ordinal);
        var reservations = NewReservationsTable();
        var nights = NewNightsTable();
        long nightCount = 0;
        var (from, to) = (DateOnly.MaxValue, DateOnly.MinValue);
        var written = 0;
        var next = firstId;
        for (var a = 0; a < accommodations.Count; a++)
        {
            var share = (count / accommodations.Count) + (a < count % accommodations.Count ? 1 : 0);
            foreach (var stay in generator.Stays(accommodations[a], share, next, random))
            {
                AddReservation(reservations, stay);
                byStatus[stay.Status] = byStatus.GetValueOrDefault(stay.Status) + 1;
                (from, to) = (stay.CheckIn < from ? stay.CheckIn : from, stay.CheckOut > to ? stay.CheckOut : to);
                if (stay.HoldsNights)
                {
                    for (var n = 0; n < stay.Nights; n++)
                        nights.Rows.Add(stay.AccommodationId, stay.CheckIn.AddDays(n).ToDateTime(TimeOnly.MinValue), stay.Id);
                    nightCount += stay.Nights;
                }
            }
            next += (ulong)share;
            if (reservations.Rows.Count >= ChunkSize || a == accommodations.Count - 1)
            {
                written += reservations.Rows.Count;
                await LoadAsync(connection, reservations, nights, cancellationToken);
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"==> {written:N0} of {count:N0} reservations ({written / clock.Elapsed.TotalSeconds:N0}/s)"));
            }
        }
        // The rows went in beside the outbox, so the back office's report totals do not hold them: the
        // replica holding the relay's lease builds them again from the tables (seconds; reports answer 503 meanwhile).
        await using (var rebuild = new MySqlCommand("UPDATE report_state SET built_at = NULL WHERE id = 1", connection))
            await rebuild.ExecuteNonQueryAsync(cancellationToken);
        return new SeedResult(written, nightCount, byStatus, from, to, clock.Elapsed);
    }

    // Each accommodation and the first night the seed may not book: the earliest one already taken, or a year ahead.
    private static async Task<List<SeedAccommodation>> AccommodationsAsync(MySqlConnection connection, DateOnly end, CancellationToken cancellationToken)
    {
        var firstTaken = new Dictionary<int, DateOnly>();
        await using (var command = new MySqlCommand("SELECT accommodation_id, MIN(night) FROM reservation_nights GROUP BY accommodation_id", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                firstTaken[reader.GetInt32(0)] = DateOnly.FromDateTime(reader.GetDateTime(1));
        }
        var list = new List<SeedAccommodation>();
        await using (var command = new MySqlCommand("SELECT id, capacity, nightly_price, weekend_price FROM accommodations ORDER BY id", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt32(0);
                var before = firstTaken.TryGetValue(id, out var taken) && taken < end ? taken : end;
                list.Add(new SeedAccommodation(id, reader.GetByte(1), reader.GetDecimal(2), reader.GetDecimal(3), before));
            }
        }
        return list;
    }

    // The ids [first, first + count): the table's AUTO_INCREMENT is moved past them before any is used, by a
    // row at the last id inserted and rolled back (InnoDB never hands a counter value back, and a rolled-back
    // insert keeps the move). Not ALTER TABLE ... AUTO_INCREMENT: that waits for an exclusive metadata lock,
    // behind any open transaction on the table, and every read and write of reservations queues behind it
    // meanwhile, a stalled platform for as long as one transaction stays open.
    private static async Task<ulong> ReserveIdsAsync(MySqlConnection connection, int accommodationId, int count, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("""
            SELECT GREATEST((SELECT COALESCE(MAX(id), 0) + 1 FROM reservations),
                            (SELECT COALESCE(AUTO_INCREMENT, 1) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'reservations'))
            """, connection);
        var first = Convert.ToUInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var last = first + (ulong)count - 1;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO reservations (id, code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out, nights, guests,
                                      total_price, owner_client, expires_at, created_at, updated_at)
            VALUES (@id, @code, 'cancelled', @accommodation, '', '', '', '2000-01-01', '2000-01-02', 1, 1, 0, '', NOW(6), NOW(6), NOW(6))
            """;
        command.Parameters.AddWithValue("@id", last);
        command.Parameters.AddWithValue("@code", SeededCode.Of(last));
        command.Parameters.AddWithValue("@accommodation", accommodationId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return first;
    }

    private static void AddReservation(DataTable table, SeededStay stay)
    {
        var (name, email, phone) = SeededGuests.Of(stay.Guest);
        // An anonymous guest's reservation is reached only with its secret; nobody knows a seeded one's.
        var secretHash = stay.Owner == Platform.Contracts.Identity.IdentityNames.AnonymousClient ? RandomNumberGenerator.GetBytes(32) : null;
        table.Rows.Add(stay.Id, SeededCode.Of(stay.Id), stay.Status, stay.AccommodationId, name, email, phone,
            stay.CheckIn.ToDateTime(TimeOnly.MinValue), stay.CheckOut.ToDateTime(TimeOnly.MinValue), stay.Nights, stay.Guests,
            stay.TotalPrice, stay.Owner, (object?)secretHash ?? DBNull.Value, stay.ExpiresAt, stay.CreatedAt, stay.UpdatedAt);
    }

    private static async Task LoadAsync(MySqlConnection connection, DataTable reservations, DataTable nights, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await CopyAsync(connection, transaction, "reservations", reservations, ReservationColumns, cancellationToken);
        await CopyAsync(connection, transaction, "reservation_nights", nights, NightColumns, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        reservations.Clear();
        nights.Clear();
    }

    private static async Task CopyAsync(MySqlConnection connection, MySqlTransaction transaction, string table, DataTable rows, string[] columns, CancellationToken cancellationToken)
    {
        if (rows.Rows.Count == 0)
            return;
        var copy = new MySqlBulkCopy(connection, transaction) { DestinationTableName = table, BulkCopyTimeout = 600 };
        for (var i = 0; i < columns.Length; i++)
            copy.ColumnMappings.Add(new MySqlBulkCopyColumnMapping(i, columns[i]));
        var result = await copy.WriteToServerAsync(rows, cancellationToken);
        if (result.RowsInserted != rows.Rows.Count)
            throw new Topology.PlatformException(string.Create(CultureInfo.InvariantCulture,
                $"{table}: {result.RowsInserted} of {rows.Rows.Count} rows loaded ({string.Join("; ", result.Warnings.Select(w => w.Message))})"));
    }

    private static DataTable NewReservationsTable()
    {
        var table = new DataTable();
        foreach (var (name, type) in new (string, Type)[]
        {
            ("id", typeof(ulong)), ("code", typeof(string)), ("status", typeof(string)), ("accommodation_id", typeof(int)), ("guest_name", typeof(string)),
            ("guest_email", typeof(string)), ("guest_phone", typeof(string)), ("check_in", typeof(DateTime)), ("check_out", typeof(DateTime)),
            ("nights", typeof(int)), ("guests", typeof(int)), ("total_price", typeof(decimal)), ("owner_client", typeof(string)),
            ("guest_secret_hash", typeof(byte[])), ("expires_at", typeof(DateTime)), ("created_at", typeof(DateTime)), ("updated_at", typeof(DateTime)),
        })
        {
            table.Columns.Add(name, type);
        }
        return table;
    }

    private static DataTable NewNightsTable()
    {
        var table = new DataTable();
        table.Columns.Add("accommodation_id", typeof(int));
        table.Columns.Add("night", typeof(DateTime));
        table.Columns.Add("reservation_id", typeof(ulong));
        return table;
    }
}
