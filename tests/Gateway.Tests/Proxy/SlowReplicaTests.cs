using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Faults;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// A replica that accepts connections but answers nothing (frozen with SIGSTOP, as a long GC pause
/// or a starved container is): requests safe to repeat go to another replica after at most one
/// per-try timeout, the rest get a 504 at their deadline, and the frozen replica leaves the rotation.
/// Its own cluster: this test freezes a replica.
/// </summary>
public sealed class SlowReplicaTests : GatewayTest
{
    private const int Workers = 6;
    private const int MaxRequestsPerWorker = 2000;
    private static readonly TimeSpan FreezeFor = TimeSpan.FromSeconds(10);
    // The 3 s deadline plus generous slack for a 2-core machine running other suites: this proves
    // nothing waited for the 10 s freeze. How close answers come to the deadline is measured by
    // `./platform bench fault-freeze-replica`, not asserted here.
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_frozen_replica_costs_safe_requests_nothing_and_unsafe_ones_at_most_their_deadline()
    {
        RequiredServer.Locate("mariadbd");
        RequiredServer.Locate("redis-server");
        // Every write here is an anonymous guest's, and the guests' share of a replica's writers (5 of 20)
        // is BulkheadTests' subject, not this one's: a create goes on to its end once the gateway has moved
        // on (a hedge's loser), so those now and then kept a healthy replica's share full and a create was
        // refused 429 anonymous-writes-busy. Guests get all the writers here.
        await using var cluster = await ApiCluster.StartAsync(3, new Dictionary<string, string> { ["Bulkheads__AnonymousWriters"] = "20" });
        await using var gateway = await GatewayProcess.StartAsync(cluster.Replicas);
        var victim = cluster.Replicas[1];
        var client = ClientFor(gateway);
        await CountReplicasAsync(client, 60); // every replica has answered enough reads to be judged by its races

        var answers = new ConcurrentQueue<(string Kind, HttpStatusCode Status, string? Type, TimeSpan Took)>();
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        using (await ProcessFreeze.BeginAsync(victim.ProcessId, Cancellation))
        {
            stopLoad.CancelAfter(FreezeFor);
            var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < MaxRequestsPerWorker && !stopLoad.IsCancellationRequested; i++)
                {
                    var kind = (worker % 3) switch { 0 => "GET", 1 => "keyed POST", _ => "POST" };
                    var took = Stopwatch.StartNew();
                    using var response = kind switch
                    {
                        "GET" => await client.GetAsync("/api/v1/health", Cancellation),
                        "keyed POST" => await PostReservationAsync(client, NewReservation(out _), $"slow-{worker}-{i}-{Guid.NewGuid():N}"),
                        _ => await PostReservationAsync(client, NewReservation(out _)),
                    };
                    var type = response.IsSuccessStatusCode ? null : await ProblemTypeAsync(response);
                    answers.Enqueue((kind, response.StatusCode, type, took.Elapsed));
                }
            }, Cancellation)).ToArray();
            await Task.WhenAll(load);

            var metrics = await gateway.ReadMetricsAsync(Cancellation);
            Assert.True(PrometheusText.Value(metrics, "gateway_upstream_ejected", $"cluster=\"{GatewayService.Cluster}\",destination=\"{victim.Id}\"") == 1
                        || await InRotationAsync(gateway, victim.Id) == 0,
                $"{victim.Id} was still in rotation after {FreezeFor.TotalSeconds} s frozen:{Environment.NewLine}{metrics}");
        }

        var safe = answers.Where(a => a.Kind != "POST").ToList();
        var safeFailures = safe.Where(a => a.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)).ToList();
        Assert.True(safeFailures.Count == 0, $"{safeFailures.Count} of {safe.Count} safe requests failed: {Describe(safeFailures)}");
        var unsafeWrong = answers.Where(a => a.Kind == "POST" && a.Status is not (HttpStatusCode.Created or HttpStatusCode.GatewayTimeout)).ToList();
        Assert.True(unsafeWrong.Count == 0, $"creates without a key answered other than 201 or 504: {Describe(unsafeWrong)}");
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.GatewayTimeout), a => Assert.Equal(ProblemTypes.UpstreamTimeout, a.Type));
        var slow = answers.Where(a => a.Took > LongestWait).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} of {answers.Count} requests waited longer than {LongestWait.TotalSeconds} s: {Describe(slow)}");
        Assert.Contains(safe, a => a.Kind == "GET");
        Assert.Contains(safe, a => a.Kind == "keyed POST");
    }

    [Fact]
    public async Task A_client_timeout_shorter_than_the_route_deadline_ends_the_wait_for_a_frozen_replica()
    {
        RequiredServer.Locate("mariadbd");
        RequiredServer.Locate("redis-server");
        await using var cluster = await ApiCluster.StartAsync(2);
        // No hedging: the request must wait on the frozen replica to show whose deadline ends it.
        await using var gateway = await GatewayProcess.StartAsync(cluster.Replicas, new Dictionary<string, string> { ["Proxy__Hedging__Enabled"] = "false" });
        var victim = cluster.Replicas[1];
        var client = ClientFor(gateway);

        using (await ProcessFreeze.BeginAsync(victim.ProcessId, Cancellation))
        {
            // Round robin over two: one of two requests in a row lands on the frozen replica.
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
                request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestTimeoutMs, "400");
                var took = Stopwatch.StartNew();
                using var response = await client.SendAsync(request, Cancellation);
                took.Stop();
                if (response.StatusCode == HttpStatusCode.OK)
                    continue;

                await ExpectGatewayProblemAsync(response, HttpStatusCode.GatewayTimeout, ProblemTypes.UpstreamTimeout);
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) >= 1);
                Assert.True(took.Elapsed < TimeSpan.FromSeconds(2.5), $"the 400 ms deadline ended the wait only after {took.Elapsed.TotalMilliseconds:0} ms");
                var metrics = await gateway.ReadMetricsAsync(Cancellation);
                Assert.True(PrometheusText.Value(metrics, "gateway_deadline_exceeded_total", "route=\"api\"") >= 1, metrics);
                return;
            }
        }
        Assert.Fail("neither request reached the frozen replica");
    }

    [Fact]
    public async Task A_replica_stopped_most_of_the_time_leaves_the_rotation_and_rejoins_only_once_it_answers_quickly_again()
    {
        RequiredServer.Locate("mariadbd");
        RequiredServer.Locate("redis-server");
        await using var cluster = await ApiCluster.StartAsync(3);
        await using var gateway = await GatewayProcess.StartAsync(cluster.Replicas);
        var victim = cluster.Replicas[2];
        var client = ClientFor(gateway);
        await CountReplicasAsync(client, 60);
        var ejected = $"cluster=\"{GatewayService.Cluster}\",destination=\"{victim.Id}\"";

        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        stopLoad.CancelAfter(TimeSpan.FromSeconds(60));
        var load = Task.Run(async () =>
        {
            for (var i = 0; i < 20_000 && !stopLoad.IsCancellationRequested; i++)
                (await client.GetAsync("/api/v1/health", Cancellation)).Dispose();
        }, Cancellation);
        var slowFor = TimeSpan.FromSeconds(8);
        // Disposed when the test ends, passed or not: the replica runs again even if a check below throws.
        using var freeze = new ProcessFreeze(victim.ProcessId);
        var slow = freeze.CycleAsync(TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(50), slowFor, Cancellation);

        Assert.True(await Eventually.HoldsAsync(async () => PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_upstream_ejected", ejected) == 1, TimeSpan.FromSeconds(5)),
            $"{victim.Id} was not ejected while stopped 150 ms of every 200:{Environment.NewLine}{gateway.Output}");
        await slow;
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        // Still out when the slowness ends: the probes kept it out past its first ejection time.
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_upstream_ejected", ejected));
        Assert.True(PrometheusText.Value(metrics, "gateway_upstream_ejections_total", ejected + ",reason=\"timeouts\"")
                    + PrometheusText.Value(metrics, "gateway_upstream_ejections_total", ejected + ",reason=\"latency\"") >= 1, metrics);

        Assert.True(await Eventually.HoldsAsync(async () => PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_upstream_ejected", ejected) == 0, TimeSpan.FromSeconds(20)),
            $"{victim.Id} did not rejoin once it answered quickly again:{Environment.NewLine}{gateway.Output}");
        await stopLoad.CancelAsync();
        await load;
        var afterwards = await CountReplicasAsync(client, 30);
        Assert.True(afterwards.GetValueOrDefault(victim.Id) > 0, $"{victim.Id} rejoined but got no traffic: {string.Join(", ", afterwards)}");
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        try
        {
            return (string?)System.Text.Json.Nodes.JsonNode.Parse(text)?["type"];
        }
        catch (System.Text.Json.JsonException)
        {
            return $"(not JSON: {text})";
        }
    }

    private static string Describe(IEnumerable<(string Kind, HttpStatusCode Status, string? Type, TimeSpan Took)> answers) =>
        string.Join(", ", answers.Take(5).Select(a => $"{a.Kind} {(int)a.Status} {a.Type} after {a.Took.TotalMilliseconds:0} ms"));
}
