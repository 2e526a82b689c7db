using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Services;
using StackExchange.Redis;

namespace Platform.Deployment.Tests.Backups;

/// <summary>
/// The restore drill, on real servers: a MariaDB (binary log on, as everywhere), Redis and a replica whose
/// outbox relay publishes to it. Creates through the HTTP API before and after a backup, then MariaDB is
/// killed with SIGKILL and its data directory deleted; the restore must bring back every create that was
/// answered 201, with its nights and its event, and the relay must resume. Then a restore to a time between
/// two creates must bring back exactly the earlier one.
/// </summary>
public sealed class RestoreDrillTests
{
    private const string Stream = "reservations.events";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private sealed record Created(string Code, int AccommodationId, DateOnly CheckIn, DateOnly CheckOut);

    [Fact]
    public async Task Every_201_is_back_after_losing_the_data_directory_and_a_restore_to_a_time_stops_between_two_creates()
    {
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var database = cluster.Database;
        var scratch = ScratchDirectory.Create("platform-restore-drill-");
        try
        {
            using var client = cluster.Replicas[0].CreateClient();
            var backups = scratch.Combine("backups");
            var marker = scratch.Combine("restored");
            var policy = new BackupPolicy(backups, KeepChains: 2, ChainLength: 24);
            var created = new List<Created>();
            for (var i = 0; i < 4; i++)
            {
                created.Add(await CreateAsync(client, created.Count));
            }

            var first = await Backup(policy, database, marker).RunAsync(Cancellation);
            Assert.Equal(BackupRecord.Full, first.Record.Kind);
            for (var i = 0; i < 4; i++)
            {
                created.Add(await CreateAsync(client, created.Count));
            }

            var incremental = await Backup(policy, database, marker).RunAsync(Cancellation);
            Assert.Equal(BackupRecord.Incremental, incremental.Record.Kind);
            for (var i = 0; i < 4; i++)
            {
                created.Add(await CreateAsync(client, created.Count));
            }

            // Lost: the server dies with no chance to flush anything, and its data directory with it.
            await database.KillAsync();
            Directory.Delete(database.DataDirectory, recursive: true);
            await Restore(database, backups, marker).RunAsync(RestoreTarget.Latest, Cancellation);
            await database.StartAgainAsync();

            await AssertAllBackAsync(database, created);
            Assert.True(File.Exists(marker), "a restore leaves the marker that makes the next backup a full one");
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString))
            {
                // At least once: each event is in the stream (a repeat is allowed, a loss is not), and none waits.
                Assert.True(await Eventually.HoldsAsync(async () =>
                {
                    var published = await CodesInStreamAsync(redis);
                    return created.All(stay => published.Contains(stay.Code));
                }, TimeSpan.FromSeconds(30)), "the relay did not publish every restored event");
                Assert.True(await Eventually.HoldsAsync(async () =>
                    await ScalarAsync(database, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL") == 0, TimeSpan.FromSeconds(30)),
                    "events still wait in the outbox after the relay resumed");
            }

            // After a restore the next backup starts a new chain; then a restore to a time between two creates.
            var afterRestore = await Backup(policy, database, marker).RunAsync(Cancellation);
            Assert.Equal(BackupRecord.Full, afterRestore.Record.Kind);
            Assert.False(File.Exists(marker));
            var earlier = await CreateAsync(client, created.Count);
            // The binary log keeps whole seconds: the cut is the next second after the earlier create's answer.
            var answered = DateTime.UtcNow;
            var cut = answered.AddTicks(-(answered.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
            await Task.Delay(cut - DateTime.UtcNow + TimeSpan.FromMilliseconds(50), Cancellation);
            var later = await CreateAsync(client, created.Count + 1);

            await database.KillAsync();
            Directory.Delete(database.DataDirectory, recursive: true);
            var target = RestoreTarget.Parse(cut.ToString(RestoreTarget.TimeFormats[0], CultureInfo.InvariantCulture), null, DateTime.UtcNow);
            var result = await Restore(database, backups, marker).RunAsync(target, Cancellation);
            Assert.True(afterRestore.Directory == result.Base.Directory,
                $"restored from {result.Base.Directory}, not {afterRestore.Directory} (finished {afterRestore.Record.FinishedAt:O}, cut {cut:O})");
            await database.StartAgainAsync();

            await AssertAllBackAsync(database, [.. created, earlier]);
            Assert.Equal(0, await ScalarAsync(database, $"SELECT COUNT(*) FROM reservations WHERE code = '{later.Code}'"));
            Assert.Equal(0, await ScalarAsync(database, $"SELECT COUNT(*) FROM outbox WHERE reservation_code = '{later.Code}'"));
        }
        finally
        {
            scratch.Delete();
        }
    }

    private static BackupRun Backup(BackupPolicy policy, MariaDbServer database, string marker) =>
        new(policy, database.Root, Narrator.Silent) { RestoredMarker = marker };

    private static PointInTimeRestore Restore(MariaDbServer database, string backups, string marker) =>
        new(MariaDbService.ConfigFile(RepositoryRoot.Path), database.Files, database.Root.Password, backups, Path.GetDirectoryName(database.DataDirectory)!, Narrator.Silent)
        {
            RestoredMarker = marker,
        };

    /// <summary>A 3-night stay on its own accommodation, so no two of the drill's creates compete.</summary>
    private static async Task<Created> CreateAsync(HttpClient client, int number)
    {
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30 + number);
        var request = new ReservationRequest(1 + number, checkIn, checkIn.AddDays(3));
        using var response = await client.PostAsJsonAsync("/api/v1/reservations", request.ToJson(), Cancellation);
        var body = await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, Cancellation);
        return new Created((string)body["code"]!, request.AccommodationId, request.CheckIn, request.CheckOut);
    }

    /// <summary>Each one is there, with exactly its nights and one created event; no night is held twice.</summary>
    private static async Task AssertAllBackAsync(MariaDbServer database, IReadOnlyList<Created> created)
    {
        foreach (var stay in created)
        {
            Assert.True(await ScalarAsync(database, $"SELECT COUNT(*) FROM reservations WHERE code = '{stay.Code}'") == 1, $"{stay.Code} was answered 201 and is not back");
            var nights = await ScalarAsync(database, $"""
                SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id
                WHERE r.code = '{stay.Code}' AND n.accommodation_id = {stay.AccommodationId}
                  AND n.night >= '{stay.CheckIn:yyyy-MM-dd}' AND n.night < '{stay.CheckOut:yyyy-MM-dd}'
                """);
            Assert.Equal(stay.CheckOut.DayNumber - stay.CheckIn.DayNumber, nights);
            Assert.Equal(1, await ScalarAsync(database, $"SELECT COUNT(*) FROM outbox WHERE reservation_code = '{stay.Code}' AND event_type = 'reservation.created'"));
        }

        Assert.Equal(0, await ScalarAsync(database, "SELECT COUNT(*) FROM (SELECT accommodation_id, night FROM reservation_nights GROUP BY accommodation_id, night HAVING COUNT(*) > 1) twice"));
        Assert.Equal(created.Count, await ScalarAsync(database, "SELECT COUNT(*) FROM reservations"));
    }

    private static async Task<long> ScalarAsync(MariaDbServer database, string sql)
    {
        await using var connection = new MySqlConnection(database.RootConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancellation), CultureInfo.InvariantCulture);
    }

    private static async Task<HashSet<string>> CodesInStreamAsync(ConnectionMultiplexer redis)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(Stream);
        return [.. entries.SelectMany(entry => entry.Values).Where(value => value.Name == "code").Select(value => value.Value.ToString())];
    }
}
