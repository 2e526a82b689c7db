using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;
using Platform.Testing;
using Platform.Topology.Services;
using StackExchange.Redis;

namespace Platform.Api.Tests.Outbox;

/// <summary>
/// A database restored to an earlier point, for real: a logical backup taken with mariadb-dump, more
/// creates published after it, the replica stopped and the backup loaded back with the mariadb client.
/// The stream then holds events the database no longer has; the relay flags each with a
/// reservation.rolled_back event and new events never reuse their ids.
/// </summary>
public sealed class RolledBackEventsTests : IAsyncLifetime
{
    private const string Stream = "reservations.events";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] Servers = ["mariadbd", "redis-server", "mariadb-dump", "mariadb"];

    private ApiCluster? _cluster;
    private ScratchDirectory? _scratch;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private ApiCluster Cluster => _cluster ?? throw RequiredServer.Missing("restore", Servers);

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return;
        _scratch = ScratchDirectory.Create("platform-restore-");
        _cluster = await ApiCluster.StartAsync(1, new Dictionary<string, string>
        {
            ["Outbox__PollInterval"] = "00:00:00.100",
            ["Shutdown__DrainDelay"] = "00:00:00", // Stopped twice; nobody calls it meanwhile.
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        _scratch?.Delete();
    }

    [Fact]
    public async Task After_a_restore_to_an_earlier_point_each_lost_event_is_flagged_once_and_new_events_take_ids_past_the_stream()
    {
        var replica = Cluster.Replicas[0];
        using var client = replica.CreateClient();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Cluster.Redis.ConnectionString);
        var stream = redis.GetDatabase();

        var kept = await CreateManyAsync(client, 2, firstAccommodation: 11);
        await PublishedAsync(kept);
        var backup = _scratch!.Combine("platform.sql");
        await RunClientAsync("mariadb-dump", [$"--result-file={backup}", "--single-transaction", MariaDbService.Database]);

        var lost = await CreateManyAsync(client, 3, firstAccommodation: 21);
        await PublishedAsync(lost);
        // Not the relay's: no event id. Never flagged, never in the way.
        await stream.StreamAddAsync(Stream, [new NameValueEntry("note", "written by someone else")]);
        var lostIds = (await EntriesAsync(stream)).Where(e => lost.Contains(e.GetValueOrDefault("code") ?? "")).ToDictionary(e => e["code"], e => long.Parse(e["event_id"], CultureInfo.InvariantCulture));
        Assert.Equal(3, lostIds.Count);

        await replica.StopAsync();
        await RunClientAsync("mariadb", [MariaDbService.Database, $"--execute=source {backup}"]);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM reservations WHERE code IN @lost", new { lost }));
        await replica.StartAgainAsync();

        await Eventually.AssertAsync(async () => (await FlagsAsync(stream)).Count >= 3, Patience, "no reservation.rolled_back events reached the stream");
        var flags = await FlagsAsync(stream);
        Assert.Equal(3, flags.Count);
        foreach (var flag in flags)
        {
            var payload = JsonNode.Parse(flag["payload"])!;
            var code = flag["code"];
            Assert.Equal(lostIds[code], (long)payload["rolledBackEventId"]!);
            Assert.Equal("reservation.created", (string?)payload["rolledBackType"]);
            Assert.False((bool)payload["exists"]!);
        }

        var highest = (await EntriesAsync(stream)).Where(e => e.ContainsKey("event_id")).Max(e => long.Parse(e["event_id"], CultureInfo.InvariantCulture));
        var fresh = await CreateManyAsync(client, 1, firstAccommodation: 31);
        await PublishedAsync(fresh);
        var freshId = await ScalarAsync<long>("SELECT id FROM outbox WHERE reservation_code = @code", new { code = fresh[0] });
        Assert.True(freshId > highest, $"a new event took id {freshId}, not past the stream's {highest}");

        // The relay does it once: taking the lease again finds nothing more to flag.
        await replica.StopAsync();
        await replica.StartAgainAsync();
        await PublishedAsync(await CreateManyAsync(client, 1, firstAccommodation: 41));
        Assert.Equal(3, (await FlagsAsync(stream)).Count);
    }

    private static async Task<List<string>> CreateManyAsync(HttpClient client, int count, int firstAccommodation)
    {
        var codes = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(200);
            using var response = await client.PostAsJsonAsync("/api/v1/reservations",
                new ReservationRequest(firstAccommodation + i, checkIn, checkIn.AddDays(2)).ToJson(), Cancellation);
            codes.Add((string)(await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, Cancellation))["code"]!);
        }
        return codes;
    }

    private async Task PublishedAsync(List<string> codes) =>
        await Eventually.AssertAsync(async () => await ScalarAsync<long>(
            "SELECT COUNT(*) FROM outbox WHERE reservation_code IN @codes AND published_at IS NOT NULL", new { codes }) == codes.Count,
            Patience, "the relay did not publish the events");

    private static async Task<List<Dictionary<string, string>>> EntriesAsync(IDatabase stream) =>
        (await stream.StreamRangeAsync(Stream))
            .Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString()))
            .ToList();

    private static async Task<List<Dictionary<string, string>>> FlagsAsync(IDatabase stream) =>
        (await EntriesAsync(stream)).Where(e => e.GetValueOrDefault("type") == "reservation.rolled_back").ToList();

    private async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(Cluster.Database.RootConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Cancellation);
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException($"no value: {sql}");
    }

    /// <summary>A MariaDB client program as root through the server's socket.</summary>
    private async Task RunClientAsync(string program, IReadOnlyList<string> arguments)
    {
        var root = Cluster.Database.Root;
        var (exitCode, output) = await ChildProcess.RunAsync(program, [$"--socket={root.Socket}", "--user=root", .. arguments], TimeSpan.FromSeconds(60), MariaDbService.ClientEnvironment(root));
        Assert.True(exitCode == 0, $"{program} failed ({exitCode}): {output}");
    }
}
