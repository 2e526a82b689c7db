using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.Testing;
using Platform.Topology.Faults;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// During a database stall (a backup's global read lock) background work gives its connections back
/// within its statement limit, and readiness does not depend on them.
/// </summary>
public class BackgroundStallTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    // Generous "no hang" bound, not a speed claim.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Readiness_answers_at_once_while_the_relay_and_sweep_are_stuck_behind_a_global_read_lock()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Outbox__PollInterval"] = "00:00:00.050",
            ["Reservations__ExpirySweepInterval"] = "00:00:00.100",
        });
        using var client = replica.CreateClient();

        await using var stall = await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation);
        // The relay and the sweep claim with FOR UPDATE, which waits for the lock, and on a replica that
        // does not hold their leases the lease's UPDATE waits for it too: both background connections
        // in use at once, each for up to Database:BackgroundStatementTimeoutSeconds.
        Assert.True(await Eventually.HoldsAsync(async () => await BackgroundInUseAsync(replica) == 2, TimeSpan.FromSeconds(5)),
            "the background work never held both connections behind the lock");
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        var probes = 0;
        while (DateTime.UtcNow < until)
        {
            var (status, took) = await TimedAsync(() => client.GetAsync("/health/ready", Cancellation));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(took < Slack, $"readiness took {took}");
            probes++;
            await Task.Delay(250, Cancellation);
        }
        Assert.True(probes >= 5);
    }

    [Fact]
    public async Task Relay_and_sweep_statements_give_up_within_their_limit_and_the_relay_resumes_after_the_stall()
    {
        var limit = TimeSpan.FromSeconds(2); // Database:BackgroundStatementTimeoutSeconds, the default
        await using (await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation))
        {
            // A background statement is a claim (FOR UPDATE SKIP LOCKED) or, once a third of the lease's
            // time has passed, the lease's renewal (its INSERT IGNORE waits first), which then comes first
            // on every turn: the stall catches whichever is due, and both are bounded by the same limit.
            // Watching the claims alone failed whenever both leases came due as the stall began.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(6);
            var longest = TimeSpan.Zero;
            while (DateTime.UtcNow < until)
            {
                var milliseconds = await QueryScalarAsync<object>("""
                    SELECT COALESCE(MAX(time_ms), 0) FROM information_schema.processlist
                    WHERE user = 'platform' AND (info LIKE '%FOR UPDATE SKIP LOCKED%' OR info LIKE '%cluster_leases%')
                    """);
                var waited = TimeSpan.FromMilliseconds(Convert.ToDouble(milliseconds, CultureInfo.InvariantCulture));
                longest = waited > longest ? waited : longest;
                await Task.Delay(200, Cancellation);
            }
            Assert.True(longest > TimeSpan.FromMilliseconds(500), $"no background statement ever waited for the lock (longest {longest})");
            Assert.True(longest < limit + Slack, $"a background statement waited {longest}");
        }

        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
            "SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND published_at IS NOT NULL", new { code }) == 1,
            TimeSpan.FromSeconds(15)), "the relay did not resume after the stall");
    }

    private static async Task<int> BackgroundInUseAsync(ApiReplica replica)
    {
        var text = await replica.ReadMetricsAsync(Cancellation);
        return (int)(PrometheusText.Value(text, "mysqlconnector_db_client_connections_usage", $"pool_name=\"{replica.Id}-background\",state=\"used\"") ?? 0);
    }


    private static async Task<(HttpStatusCode Status, TimeSpan Took)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        using var response = await send();
        await response.Content.LoadIntoBufferAsync(Cancellation);
        return (response.StatusCode, clock.Elapsed);
    }
}
