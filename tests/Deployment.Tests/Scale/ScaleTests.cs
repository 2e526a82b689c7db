using System.Text.Json.Nodes;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Deployment.Tests.Scale;

/// <summary>
/// <c>./platform scale N</c> on a platform started by <c>./platform up</c>, all real processes: under
/// steady traffic through the gateway, 3 → 5 → 2 replicas with no failed request, new replicas
/// serving within seconds, removed ones drained, and Prometheus following without a restart.
/// </summary>
public sealed class ScaleTests
{
    // The gateway reloads its destinations file within about a second; allow for a loaded machine.
    private static readonly TimeSpan JoinsWithin = TimeSpan.FromSeconds(5);

    /// <summary>The replicas <c>scale 5</c> adds to three.</summary>
    private static readonly string[] NewReplicas = ["api-4", "api-5"];

    [Fact]
    public async Task Scaling_3_to_5_to_2_under_steady_traffic_fails_no_request_and_new_replicas_serve_within_seconds()
    {
        RequiredServer.LocateAll(LocalPlatform.Servers);
        await using var platform = new LocalPlatform(LocalPlatform.UnthrottledClients);
        await platform.RunOrFailAsync("up");

        await using var traffic = new SteadyTraffic(platform.GatewayAddress, clients: 3, accommodation: 700);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        var scaleUp = traffic.Now;
        await platform.RunOrFailAsync("scale", "5");
        var scaledUp = traffic.Now;
        // The replicas scale starts send their traces to the viewer as up's do.
        var table = new ProcessTable(new StateLayout(RepositoryRoot.Path, platform.StateDirectory));
        var environment = (await File.ReadAllTextAsync($"/proc/{table.RunningPid(ProcessNames.Replica(5))}/environ", TestContext.Current.CancellationToken)).Split('\0');
        Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT={platform.TraceViewerOtlpAddress.ToString().TrimEnd('/')}", environment);
        // Until both new replicas have served, for JoinsWithin at most (a fixed 5 s before; the first served within a second).
        await Eventually.HoldsAsync(() => Task.FromResult(NewReplicas.All(replica => traffic.Answers.Any(answer => answer.Replica == replica))), JoinsWithin);

        await platform.RunOrFailAsync("scale", "2");
        var scaledDown = traffic.Now;
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await traffic.StopAsync();

        var answers = traffic.Answers;
        var failures = answers.Where(answer => !answer.Succeeded).ToList();
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {answers.Count} requests failed, e.g. "
            + string.Join("; ", failures.Take(5).Select(f => $"{f.At.TotalSeconds:0.0}s {f.Status} {f.Error}")));
        Assert.True(answers.Count > 500, $"only {answers.Count} requests were made");
        TestContext.Current.TestOutputHelper?.WriteLine($"{answers.Count} requests, {failures.Count} failed");

        foreach (var replica in NewReplicas)
        {
            var first = answers.Where(answer => answer.Replica == replica).Select(answer => answer.At).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{replica}: first served {(first - scaleUp).TotalSeconds:0.0}s after `scale 5` began, which took {(scaledUp - scaleUp).TotalSeconds:0.0}s");
            Assert.True(first - scaledUp < JoinsWithin,
                $"{replica} first served {(first == TimeSpan.MaxValue ? "never" : $"{(first - scaleUp).TotalSeconds:0.0}s after scale 5 began")}");
        }

        // Once `scale 2` has returned, nothing is served by a removed replica, and they are gone.
        var late = answers.Where(answer => answer.At > scaledDown && answer.Replica is "api-3" or "api-4" or "api-5").ToList();
        Assert.True(late.Count == 0, $"{late.Count} requests served by removed replicas after scale 2 returned");
        // Served by the remaining replicas only. Not necessarily both within these 3 s: on two cores
        // starting and stopping replicas under the whole suite, the gateway's outlier detector may
        // hold a starved one out for its 5 s ejection (seen once); that both still run is checked below.
        var servedAfter = answers.Where(answer => answer.At > scaledDown).Select(answer => answer.Replica).Distinct().ToList();
        Assert.NotEmpty(servedAfter);
        Assert.All(servedAfter, replica => Assert.Contains(replica, (string[])["api-1", "api-2"]));
        var running = (await platform.RunOrFailAsync("status")).Split('\n')
            .Where(line => line.StartsWith("api-", StringComparison.Ordinal) && line.Contains(" running ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[0]).Order().ToList();
        Assert.Equal(["api-1", "api-2"], running);
        foreach (var removed in new[] { 3, 4, 5 })
            await AssertRefusedAsync(platform.ReplicaAddress(removed));

        await AssertPrometheusScrapesAsync(platform, 2);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("three")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("")]
    public async Task Scale_refuses_a_count_that_is_not_1_to_99(string count)
    {
        await using var platform = new LocalPlatform();
        var (exitCode, output) = await platform.RunAsync("scale", count);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("whole number from 1 to 99", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_without_a_count_or_with_two_says_how_to_use_it()
    {
        await using var platform = new LocalPlatform();
        foreach (var arguments in new[] { new[] { "scale" }, new[] { "scale", "3", "4" } })
        {
            var (exitCode, output) = await platform.RunAsync(arguments);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("usage: ./platform scale N", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Scale_before_up_says_to_run_up_first_and_starts_nothing()
    {
        await using var platform = new LocalPlatform();
        var (exitCode, output) = await platform.RunAsync("scale", "3");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("run './platform up' first", output, StringComparison.Ordinal);
        await AssertRefusedAsync(platform.ReplicaAddress(1));
    }

    private static async Task AssertRefusedAsync(Uri replica)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(replica, "/api/v1/health"), TestContext.Current.CancellationToken));
    }

    /// <summary>Prometheus follows the targets file: exactly <paramref name="replicas"/> api targets, all up.</summary>
    private static async Task AssertPrometheusScrapesAsync(LocalPlatform platform, int replicas)
    {
        using var client = new HttpClient { BaseAddress = platform.PrometheusAddress, Timeout = TimeSpan.FromSeconds(5) };
        string last = "";
        await Eventually.AssertAsync(async () =>
            {
                var body = JsonNode.Parse(await client.GetStringAsync(new Uri("api/v1/targets?state=active", UriKind.Relative), TestContext.Current.CancellationToken))!;
                var api = body["data"]!["activeTargets"]!.AsArray()
                    .Where(target => (string?)target!["labels"]!["job"] == "api")
                    .Select(target => $"{(string?)target!["labels"]!["instance"]}={(string?)target["health"]}")
                    .Order().ToList();
                last = string.Join(", ", api);
                return api.Count == replicas && api.All(target => target.EndsWith("=up", StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(30),
            () => $"Prometheus's api targets never became {replicas} up ones; last: {last}",
            TimeSpan.FromMilliseconds(500));
    }
}
