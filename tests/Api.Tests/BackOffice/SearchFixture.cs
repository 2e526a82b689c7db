using System.Globalization;
using Dapper;
using MySqlConnector;
using Platform.Testing;

namespace Platform.Api.Tests.BackOffice;

/// <summary>
/// One replica over a database of 20,000 reservations written straight into the table (the search reads
/// rows, not how they came): every status, 50 accommodations, three owners, 997 guests, stays over 400 days,
/// and creation times shared by three rows at a time, so that pages must break ties by id. The rows are
/// also kept here, read back, for the tests to compute every expected page independently of the SQL.
/// </summary>
public sealed class SearchFixture : IAsyncLifetime
{
    public const int Rows = 20_000;

    public static readonly string[] Owners = ["bench_load", "anonymous", "tests"];

    private ApiCluster? _cluster;

    public ApiCluster Cluster => _cluster ?? throw RequiredServer.Missing("back-office cluster", ["mariadbd", "redis-server"]);

    /// <summary>Every row as the database holds it, read once after loading.</summary>
    public IReadOnlyList<Row> All { get; private set; } = [];

    public DateTime LoadedAt { get; private set; }

    public sealed class Row
    {
        public long Id { get; set; }
        public string Code { get; set; } = "";
        public string Status { get; set; } = "";
        public int AccommodationId { get; set; }
        public string GuestEmail { get; set; } = "";
        public string GuestPhone { get; set; } = "";
        public DateTime CheckIn { get; set; }
        public DateTime CheckOut { get; set; }
        public string OwnerClient { get; set; } = "";
        public DateTime ExpiresAt { get; set; }
        public DateTime CreatedAt { get; set; }
    }

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(["mariadbd", "redis-server"]))
            return;
        _cluster = await ApiCluster.StartAsync(1);
        await using var connection = new MySqlConnection(_cluster.Database.RootConnectionString);
        await connection.OpenAsync();
        LoadedAt = DateTime.UtcNow;
        await connection.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out, nights, guests,
                                      total_price, owner_client, expires_at, created_at, updated_at)
            SELECT CONCAT('T', LPAD(seq, 7, '0')), ELT(1 + seq MOD 4, 'pre_reserved', 'confirmed', 'cancelled', 'expired'), 1 + seq MOD 50,
                   CONCAT('Guest ', seq MOD 997), CONCAT('guest', seq MOD 997, '@example.com'), CONCAT('+3169', LPAD(seq MOD 997, 7, '0')),
                   DATE('2026-01-01') + INTERVAL (seq MOD 400) DAY, DATE('2026-01-01') + INTERVAL (seq MOD 400 + 1 + seq MOD 5) DAY, 1 + seq MOD 5, 2,
                   100, ELT(1 + seq MOD 3, 'bench_load', 'anonymous', 'tests'),
                   IF(seq MOD 8 = 0, @loaded - INTERVAL 1 MINUTE, @loaded + INTERVAL 1 HOUR),
                   @loaded - INTERVAL (seq DIV 3) SECOND, @loaded - INTERVAL (seq DIV 3) SECOND
            FROM seq_1_to_{Rows}
            """), new { loaded = LoadedAt });
        await connection.ExecuteAsync("ANALYZE TABLE reservations");
        All = [.. await connection.QueryAsync<Row>("""
            SELECT id AS Id, code AS Code, status AS Status, accommodation_id AS AccommodationId, guest_email AS GuestEmail, guest_phone AS GuestPhone,
                   check_in AS CheckIn, check_out AS CheckOut, owner_client AS OwnerClient, expires_at AS ExpiresAt, created_at AS CreatedAt
            FROM reservations
            """)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}
