using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Platform.Testing;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// What compose and a Swarm do when scaling down: SIGTERM to a replica the gateway still routes to
/// (its destination is only dropped later, by DNS). The replica's drain delay keeps it serving while
/// it reports not ready, so the gateway's health checks take it out before it stops listening, and
/// even creates without an Idempotency-Key (never retried) do not fail.
/// Its own extra replica: this test stops one.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class StoppedReplicaTests(GatewayFixture fixture) : GatewayTest
{
    private const int Workers = 3;
    private const int MaxRequestsPerWorker = 2000;
    // Longer than the test gateway's two failed probes at 1 s intervals, 1 s timeout each.
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task A_replica_stopped_while_still_a_destination_drains_and_no_create_fails()
    {
        // Not one of the shared cluster's replicas, which other tests count on.
        await using var leaving = await ApiReplica.StartAsync("api-leaving",
            fixture.Cluster.Database.AppConnectionString, fixture.Cluster.Redis.RelayConnectionString,
            new Dictionary<string, string> { ["Shutdown__DrainDelay"] = $"{DrainDelay:c}" });
        await using var gateway = await GatewayProcess.StartAsync([fixture.Cluster.Replicas[0], leaving]);
        var client = ClientFor(gateway);

        var answers = new ConcurrentQueue<(HttpStatusCode Status, string? Replica, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < MaxRequestsPerWorker && !stopLoad.IsCancellationRequested; i++)
            {
                using var response = await PostReservationAsync(client, NewReservation(out string _));
                answers.Enqueue((response.StatusCode, ReplicaOf(response), clock.Elapsed));
            }
        }, Cancellation)).ToArray();

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(answers.Any(answer => answer.Replica == leaving.Id)), TimeSpan.FromSeconds(10)),
            "the replica never served before it was stopped");
        var stopped = clock.Elapsed;
        await leaving.StopAsync(); // SIGTERM; returns once it has exited
        var exited = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        var failures = answers.Where(answer => answer.Status != HttpStatusCode.Created).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {answers.Count} creates failed: "
            + string.Join(", ", failures.Take(5).Select(f => $"{(int)f.Status} at {f.At.TotalSeconds:0.0}s (SIGTERM at {stopped.TotalSeconds:0.0}s)")));
        Assert.True(exited - stopped >= DrainDelay, $"the replica exited {(exited - stopped).TotalSeconds:0.0}s after SIGTERM, before its drain delay");
        Assert.Contains(answers, answer => answer.At > exited && answer.Replica == fixture.Cluster.Replicas[0].Id);
    }
}
