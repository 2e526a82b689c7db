using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Contracts.Problems;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Api.Tests.Cluster;

/// <summary>
/// The replicas on a real Galera cluster, each on its own node: what one server gave by its locks
/// (migrations once, one relay, one sweep, a night booked once) holds across nodes, where a named lock
/// is node-local and two writes to the same rows meet only at certification.
/// </summary>
public sealed class GaleraApiTests(GaleraApiFixture fixture) : IClassFixture<GaleraApiFixture>
{
    /// <summary>Node 1 answers only once it has applied every write the cluster committed before the read.</summary>
    private const string CausalRead = "SET SESSION wsrep_sync_wait = 1; ";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replicas_starting_at_once_on_three_nodes_apply_each_migration_exactly_once()
    {
        _ = fixture.Replicas;
        var applied = (await QueryAsync<(int Version, int Times)>(
            "SELECT version, COUNT(*) FROM schema_version GROUP BY version ORDER BY version")).ToList();

        Assert.NotEmpty(applied);
        Assert.All(applied, a => Assert.Equal(1, a.Times));
        Assert.Equal(Enumerable.Range(1, applied.Count), applied.Select(a => a.Version));
    }

    [Fact]
    public async Task One_replica_of_the_three_nodes_relays_and_one_sweeps()
    {
        foreach (var lease in (string[])[ClusterLeases.OutboxRelay, ClusterLeases.ExpirySweep])
        {
            await Eventually.AssertAsync(async () => await HoldersAsync(lease) == 1, TimeSpan.FromSeconds(20),
                () => $"{lease} is held by {HoldersAsync(lease).Result} replicas");
        }
    }

    [Fact]
    public async Task Creates_of_the_same_nights_through_three_nodes_at_once_book_each_night_once_and_none_is_a_5xx()
    {
        var clients = fixture.Replicas.Select(r => r.CreateClient()).ToList();
        try
        {
            var statuses = new List<(HttpStatusCode Status, string? Type)>();
            for (var round = 0; round < 60; round++)
            {
                var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(400 + round * 5);
                var body = new ReservationRequest(7, checkIn, checkIn.AddDays(3)).ToJson();
                var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
                {
                    using var response = await clients[i % 3].PostAsJsonAsync("/api/v1/reservations", body, Cancellation);
                    var json = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(Cancellation);
                    var type = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                        ? (string?)json!["type"]
                        : (string?)json!["code"] + " via " + (i % 3);
                    return (response.StatusCode, type);
                }));
                statuses.AddRange(answers);
                Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.Created) == 1,
                    $"round {round}: " + string.Join(", ", answers.Select(a => $"{a.StatusCode} {a.type}")));
                Assert.Equal(3L, await ScalarAsync<long>(
                    "SELECT COUNT(*) FROM reservation_nights WHERE accommodation_id = 7 AND night >= @checkIn AND night < @checkOut",
                    new { checkIn = checkIn.ToDateTime(TimeOnly.MinValue), checkOut = checkIn.AddDays(3).ToDateTime(TimeOnly.MinValue) }));
            }

            // Every 201 is stored, and nothing is stored that was not a whole create: no event without its reservation.
            var created = statuses.Where(s => s.Status == HttpStatusCode.Created).Select(s => s.Type![..8]).ToList();
            Assert.Equal(created.Count, await ScalarAsync<long>("SELECT COUNT(*) FROM reservations WHERE code IN @created", new { created }));
            Assert.Equal(0L, await ScalarAsync<long>(
                "SELECT COUNT(*) FROM outbox o LEFT JOIN reservations r ON r.code = o.reservation_code WHERE r.id IS NULL", new { }));
            Assert.All(statuses.Where(s => s.Status != HttpStatusCode.Created), s =>
            {
                Assert.Equal(HttpStatusCode.Conflict, s.Status);
                Assert.Contains(s.Type, (string[])[ProblemTypes.DatesUnavailable, ProblemTypes.WriteConflict]);
            });
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Every_create_through_any_node_reaches_the_stream()
    {
        var codes = new List<string>();
        foreach (var (replica, i) in fixture.Replicas.Select((r, i) => (r, i)))
        {
            using var client = replica.CreateClient();
            for (var j = 0; j < 3; j++)
            {
                var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(500 + j * 5);
                using var response = await client.PostAsJsonAsync("/api/v1/reservations",
                    new ReservationRequest(100 + i, checkIn, checkIn.AddDays(2)).ToJson(), Cancellation);
                codes.Add((string)(await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, Cancellation))["code"]!);
            }
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        await Eventually.AssertAsync(async () =>
        {
            var published = (await redis.GetDatabase().StreamRangeAsync("reservations.events"))
                .Select(e => e["code"].ToString()).ToHashSet();
            return codes.All(published.Contains);
        }, TimeSpan.FromSeconds(30), "not every create's event reached the stream");
    }

    private async Task<int> HoldersAsync(string lease)
    {
        var holders = 0;
        foreach (var replica in fixture.Replicas)
        {
            var text = await replica.ReadMetricsAsync(Cancellation);
            holders += (int)(PrometheusText.Value(text, "cluster_lease_held", $"lease=\"{lease}\"") ?? 0);
        }
        return holders;
    }

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql)
    {
        await using var connection = new MySqlConnection(fixture.Database.RootConnectionString(1));
        return await connection.QueryAsync<T>(CausalRead + sql);
    }

    private async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new MySqlConnection(fixture.Database.RootConnectionString(1));
        return await connection.ExecuteScalarAsync<T>(CausalRead + sql, parameters) ?? throw new InvalidOperationException(sql);
    }
}
