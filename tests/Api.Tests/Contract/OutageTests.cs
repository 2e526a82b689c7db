using System.Diagnostics;
using System.Net;
using Dapper;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>When the database is gone or the pool is spent, clients hear 503 + Retry-After fast, never a hang or a bare 500.</summary>
public class OutageTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    // Generous on purpose: it separates "within the pool's 2 s wait" from the 30-60 s hangs this
    // platform replaces without timing anything finely on a noisy machine.
    private static readonly TimeSpan FarFromAHang = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_the_database_down_calls_are_fast_503s_and_service_resumes_when_it_returns()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        await Cluster.Database.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            using var create = await PostAsync(Client(), Body(NewStay()));
            await ExpectProblemAsync(create, HttpStatusCode.ServiceUnavailable, ProblemTypes.DatabaseUnavailable);
            Assert.True(int.Parse(create.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

            using var read = await Client(1).GetAsync($"/api/v1/reservations/{code}", Cancellation);
            await ExpectProblemAsync(read, HttpStatusCode.ServiceUnavailable, ProblemTypes.DatabaseUnavailable);
            Assert.True(read.Headers.Contains("Retry-After"));
            Assert.True(clock.Elapsed < FarFromAHang, $"took {clock.Elapsed}");

            using var ready = await Client(2).GetAsync("/health/ready", Cancellation);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await Client(2).GetAsync("/api/v1/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await Cluster.Database.StartAgainAsync();
        }

        foreach (var replica in Enumerable.Range(0, 3))
        {
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                using var ready = await Client(replica).GetAsync("/health/ready", Cancellation);
                return ready.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(20)), $"replica {replica} did not become ready again");
            await CreateAsync(NewStay(), client: Client(replica));
        }
    }

    [Fact]
    public async Task A_database_restart_costs_clients_no_failures_once_it_is_back()
    {
        // Fill each replica's pool with several connections, which the restart will kill.
        var stays = Enumerable.Range(0, 12).Select(_ => NewStay()).ToList();
        await Task.WhenAll(stays.Select((stay, i) => CreateAsync(stay, client: Client(i % 3))));

        await Cluster.Database.StopAsync();
        await Cluster.Database.StartAgainAsync();

        // Nothing has probed readiness: the first calls meet the dead pooled connections themselves.
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => PostAsync(Client(i % 3), Body(NewStay()))));
        foreach (var response in responses)
        {
            await ExpectAsync(response, HttpStatusCode.Created);
            response.Dispose();
        }
        for (var replica = 0; replica < 3; replica++)
        {
            using var read = await Client(replica).GetAsync($"/api/v1/accommodations/1/availability?from=2030-01-01&to=2030-01-05", Cancellation);
            await ExpectAsync(read, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task An_exhausted_pool_answers_503_within_its_wait_stays_ready_and_the_waiting_writes_finish_correctly()
    {
        await using var tiny = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Database__MaximumPoolSize"] = "2",
            ["Database__MinimumPoolSize"] = "0",
            ["Database__ConnectionTimeoutSeconds"] = "1",
            // Both shares as large as the pool, so two stuck writers can hold all of it and a read
            // has to wait for the pool; and deadlines long enough that the writers outlast the test's steps.
            ["Bulkheads__Writers"] = "2",
            ["Bulkheads__Readers"] = "2",
            ["Deadlines__Default"] = "00:00:10",
        });
        using var client = tiny.CreateClient();
        var stay = NewStay();
        var anchor = await CreateAsync(NewStay());

        // Hold the stay's first night in an open transaction: both writers for it block on the key,
        // each holding one of the replica's two connections.
        await using var holder = await Fixture.OpenRootAsync();
        await holder.ExecuteAsync("""
            START TRANSACTION;
            INSERT INTO reservation_nights (accommodation_id, night, reservation_id)
            SELECT @AccommodationId, @night, id FROM reservations WHERE code = @code
            """, new { stay.AccommodationId, night = stay.CheckIn.ToDateTime(TimeOnly.MinValue), code = (string)anchor["code"]! });
        var blocked = new[] { PostAsync(client, Body(stay)), PostAsync(client, Body(stay)) };
        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
            "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'") >= 2,
            TimeSpan.FromSeconds(10)), "the two writers never blocked");

        Assert.Equal(0, await PoolTimeoutsAsync(tiny));
        var clock = Stopwatch.StartNew();
        using (var starved = await client.GetAsync($"/api/v1/reservations/{(string)anchor["code"]!}", Cancellation))
        {
            await ExpectProblemAsync(starved, HttpStatusCode.ServiceUnavailable, ProblemTypes.DatabaseUnavailable);
            Assert.True(starved.Headers.Contains("Retry-After"));
        }
        Assert.True(clock.Elapsed < FarFromAHang, $"took {clock.Elapsed}");
        Assert.Equal(1, await PoolTimeoutsAsync(tiny));
        Assert.Equal(1, PrometheusText.Value(await tiny.ReadMetricsAsync(Cancellation), "http_request_duration_seconds_count",
            "code=\"5xx\",method=\"GET\",endpoint=\"/api/v1/reservations/{code}\""));
        // A full pool is load, not an outage: the replica stays ready, so the gateway keeps it.
        using (var ready = await client.GetAsync("/health/ready", Cancellation))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        await holder.ExecuteAsync("ROLLBACK");
        var statuses = new List<int>();
        foreach (var response in await Task.WhenAll(blocked))
        {
            statuses.Add((int)response.StatusCode);
            response.Dispose();
        }
        statuses.Sort();
        Assert.Equal([201, 409], statuses);
    }

    /// <summary>The replica's pool wait timeouts as its /metrics reports them (0 before the first).</summary>
    private static async Task<int> PoolTimeoutsAsync(ApiReplica replica)
    {
        var text = await replica.ReadMetricsAsync(TestContext.Current.CancellationToken);
        var timeouts = PrometheusText.Value(text, "mysqlconnector_db_client_connections_timeouts", $"pool_name=\"{replica.Id}\"");
        Assert.True(timeouts is not null, $"no timeouts series for {replica.Id}");
        return (int)timeouts.Value;
    }
}
