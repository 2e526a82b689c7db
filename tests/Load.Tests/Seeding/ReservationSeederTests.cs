using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MySqlConnector;
using Platform.Load.Seeding;
using Platform.Testing;

namespace Platform.Load.Tests.Seeding;

/// <summary>
/// The seed against a real replica and MariaDB: what it writes is what the API itself would hold (each
/// held or confirmed stay with one night row per night, no night twice, nothing over a stay that was
/// there), a second run stays clear of the first, the API reads a seeded reservation and creates after it.
/// </summary>
public sealed class ReservationSeederTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Seeded_stays_are_consistent_never_overlap_what_was_there_or_each_other_and_the_api_serves_them()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        using var client = cluster.Replicas[0].CreateClient();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var before = await CreateAsync(client, accommodationId: 7, today.AddDays(20), cancel);

        var progress = new StringWriter();
        var seeder = new ReservationSeeder(cluster.Database.AppConnectionString, progress);
        var first = await seeder.SeedAsync(6_000, randomSeed: 1, DateTime.UtcNow, TimeSpan.FromMinutes(15), cancel);
        var second = await seeder.SeedAsync(2_500, randomSeed: 2, DateTime.UtcNow, TimeSpan.FromMinutes(15), cancel);

        Assert.Equal(6_000, first.Reservations);
        Assert.Equal(2_500, second.Reservations);
        Assert.Equal([SeededStay.Cancelled, SeededStay.Confirmed, SeededStay.Expired, SeededStay.PreReserved], first.ByStatus.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("6,000 of 6,000 reservations", progress.ToString(), StringComparison.Ordinal);

        await using var connection = new MySqlConnection(cluster.Database.RootConnectionString);
        await connection.OpenAsync(cancel);
        Assert.Equal(8_501, await ScalarAsync(connection, "SELECT COUNT(*) FROM reservations"));
        Assert.Equal(first.Nights + second.Nights + 2, await ScalarAsync(connection, "SELECT COUNT(*) FROM reservation_nights"));
        // Every held or confirmed stay owns exactly its nights; nothing else owns any.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT COUNT(*) FROM reservations r
            WHERE r.status IN ('pre_reserved', 'confirmed')
              AND r.nights <> (SELECT COUNT(*) FROM reservation_nights n WHERE n.reservation_id = r.id AND n.accommodation_id = r.accommodation_id
                               AND n.night >= r.check_in AND n.night < r.check_out)
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id
            WHERE r.status NOT IN ('pre_reserved', 'confirmed') OR n.night < r.check_in OR n.night >= r.check_out
            """));
        // Consistent rows: nights and check-out agree, prices are positive, nobody created a stay after now or a hold that is over.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT COUNT(*) FROM reservations
            WHERE DATEDIFF(check_out, check_in) <> nights OR total_price <= 0 OR guests < 1 OR created_at > UTC_TIMESTAMP(6)
               OR updated_at < created_at OR (status = 'pre_reserved' AND expires_at <= UTC_TIMESTAMP(6))
               OR (status <> 'pre_reserved' AND expires_at > UTC_TIMESTAMP(6))
            """));
        Assert.Equal(0, await ScalarAsync(connection, "SELECT COUNT(*) FROM reservations WHERE code NOT REGEXP '^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$'"));
        // Several channels, anonymous ones reachable only with a secret nobody has.
        Assert.True(await ScalarAsync(connection, "SELECT COUNT(DISTINCT owner_client) FROM reservations") >= 6);
        Assert.Equal(0, await ScalarAsync(connection, "SELECT COUNT(*) FROM reservations WHERE owner_client = 'anonymous' AND guest_secret_hash IS NULL"));
        // Seeded stays write no events: they are history.
        Assert.Equal(1, await ScalarAsync(connection, "SELECT COUNT(*) FROM outbox"));

        // The API reads a seeded reservation (as an admin), and its own next create takes an id past the seeded ones.
        var code = (string)(await new MySqlCommand("SELECT code FROM reservations WHERE status = 'confirmed' ORDER BY id DESC LIMIT 1", connection).ExecuteScalarAsync(cancel))!;
        using var admin = cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using (var read = await admin.GetAsync($"/api/v1/reservations/{code}", cancel))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var after = await CreateAsync(client, accommodationId: 8, today.AddDays(400), cancel);
        Assert.Equal(8_502, await ScalarAsync(connection, "SELECT COUNT(*) FROM reservations"));
        Assert.True(await ScalarAsync(connection, $"SELECT id FROM reservations WHERE code = '{after}'") > await ScalarAsync(connection, $"SELECT MAX(id) FROM reservations WHERE code <> '{after}'"));
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task No_two_held_stays_of_an_accommodation_share_a_night_even_across_runs()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var seeder = new ReservationSeeder(cluster.Database.AppConnectionString, TextWriter.Null);
        await seeder.SeedAsync(3_000, randomSeed: 3, DateTime.UtcNow, TimeSpan.FromMinutes(15), cancel);
        await seeder.SeedAsync(3_000, randomSeed: 3, DateTime.UtcNow, TimeSpan.FromMinutes(15), cancel);

        await using var connection = new MySqlConnection(cluster.Database.RootConnectionString);
        await connection.OpenAsync(cancel);
        // The primary key of reservation_nights forbids a night twice; the stays' own ranges must agree with it.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT COUNT(*) FROM reservations a JOIN reservations b
              ON b.accommodation_id = a.accommodation_id AND a.id < b.id AND a.check_in < b.check_out AND b.check_in < a.check_out
            WHERE a.status IN ('pre_reserved', 'confirmed') AND b.status IN ('pre_reserved', 'confirmed')
            """));
        Assert.Equal(6_000, await ScalarAsync(connection, "SELECT COUNT(DISTINCT code) FROM reservations"));
    }

    [Fact]
    public async Task Seeding_takes_no_table_lock_an_open_transaction_could_hold_up()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        // Another session's transaction stays open on reservations (as a client's unfinished write would):
        // DDL on the table would wait for it, and every read and write would queue behind the DDL.
        await using var holder = new MySqlConnection(new MySqlConnectionStringBuilder(cluster.Database.RootConnectionString) { Pooling = false }.ConnectionString);
        await holder.OpenAsync(cancel);
        await new MySqlCommand("""
            START TRANSACTION;
            INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out, nights, guests,
                                      total_price, owner_client, expires_at, created_at, updated_at)
            VALUES ('HOLDSEED', 'confirmed', 1, 'Holder', 'holder@example.com', '+31600000002', '2030-01-01', '2030-01-02', 1, 1, 100, 'tests', NOW(6), NOW(6), NOW(6))
            """, holder).ExecuteNonQueryAsync(cancel);

        var seeding = new ReservationSeeder(cluster.Database.AppConnectionString, TextWriter.Null)
            .SeedAsync(2_000, randomSeed: 4, DateTime.UtcNow, TimeSpan.FromMinutes(15), cancel);
        Assert.Same(seeding, await Task.WhenAny(seeding, Task.Delay(TimeSpan.FromSeconds(30), cancel)));
        Assert.Equal(2_000, (await seeding).Reservations);
        await new MySqlCommand("ROLLBACK", holder).ExecuteNonQueryAsync(cancel);
    }

    [Fact]
    public void Stays_follow_the_season_and_the_hold_and_are_the_same_for_the_same_random_seed()
    {
        var generator = new StayGenerator(Now, TimeSpan.FromMinutes(15));
        var accommodation = new SeedAccommodation(1, 4, 100m, 125m, DateOnly.FromDateTime(Now).AddDays(365));
        var stays = generator.Stays(accommodation, 2_000, 1, new Random(7)).ToList();

        Assert.Equal(stays, generator.Stays(accommodation, 2_000, 1, new Random(7)).ToList());
        Assert.All(stays, s => Assert.InRange(s.Nights, 1, 14));
        Assert.All(stays, s => Assert.InRange(s.Guests, 1, 4));
        Assert.All(stays, s => Assert.True(s.CreatedAt <= Now && s.UpdatedAt >= s.CreatedAt && s.UpdatedAt <= Now, s.ToString()));
        Assert.All(stays.Where(s => s.Status == SeededStay.PreReserved), s => Assert.True(s.ExpiresAt > Now && s.CheckIn > DateOnly.FromDateTime(Now), s.ToString()));
        // Summer is fuller than winter: more held nights in July and August than in January and February.
        var held = stays.Where(s => s.HoldsNights).SelectMany(s => Enumerable.Range(0, s.Nights).Select(n => s.CheckIn.AddDays(n))).ToList();
        Assert.True(held.Count(d => d.Month is 7 or 8) > 1.2 * held.Count(d => d.Month is 1 or 2), "summer is not fuller than winter");
        // The price is the API's: weekend nights at the weekend price.
        var stay = stays.First(s => s.Nights == 7);
        Assert.Equal((5 * 100m) + (2 * 125m), stay.TotalPrice);
    }

    [Fact]
    public void Codes_are_the_apis_kind_and_distinct_for_distinct_ids()
    {
        var codes = Enumerable.Range(1, 200_000).Select(id => SeededCode.Of((ulong)id)).ToList();
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes.Take(1000), c => Assert.Matches("^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$", c));
        Assert.NotEqual(codes[0][..4], codes[1][..4]);
    }

    [Theory]
    [InlineData(new string[0], "--reservations N is required")]
    [InlineData(new[] { "--reservations" }, "unexpected or invalid '--reservations'")]
    [InlineData(new[] { "--reservations", "0" }, "unexpected or invalid '--reservations 0'")]
    [InlineData(new[] { "--reservations", "-5" }, "unexpected or invalid '--reservations -5'")]
    [InlineData(new[] { "--reservations", "10000001" }, "unexpected or invalid '--reservations 10000001'")]
    [InlineData(new[] { "--reservations", "1e6" }, "unexpected or invalid '--reservations 1e6'")]
    [InlineData(new[] { "--reservations", "10", "--rows", "5" }, "unexpected or invalid '--rows 5'")]
    [InlineData(new[] { "--random-seed", "x", "--reservations", "10" }, "unexpected or invalid '--random-seed x'")]
    public void Bad_options_are_a_usage_error_naming_what_was_wrong(string[] args, string error)
    {
        Assert.Null(SeedCommand.Parse(args, out var message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void Good_options_are_read()
    {
        Assert.Equal((1_000_000, 1), SeedCommand.Parse(["--reservations", "1000000"], out _));
        Assert.Equal((5, 42), SeedCommand.Parse(["--random-seed", "42", "--reservations", "5"], out _));
    }

    private static async Task<long> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<string> CreateAsync(HttpClient client, int accommodationId, DateOnly checkIn, CancellationToken cancel)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(accommodationId, checkIn, checkIn.AddDays(2)).ToJson(), cancel);
        var body = await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, cancel);
        return (string)body["code"]!;
    }
}
