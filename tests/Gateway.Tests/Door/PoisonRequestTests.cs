using System.Net;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Proxy;
using Platform.Load.Poison;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Door;

/// <summary>
/// The poison-request corpus (<see cref="PoisonRequests"/>) over raw sockets, through the shared real
/// gateway in front of three real replicas: each request gets at most one answer, never a 5xx, the
/// one it must get where that is known, and afterwards every replica is still in rotation and the
/// gateway counted no 5xx.
/// </summary>
public sealed class PoisonRequestTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    public static TheoryData<string> Names { get; } = [.. PoisonRequests.All.Select(request => request.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_poison_request_gets_at_most_one_answer_and_never_a_5xx(string name)
    {
        var request = PoisonRequests.All.Single(r => r.Name == name);

        var answer = await PoisonExchange.SendAsync(GatewayEndPoint, request, Cancellation);

        Assert.True(answer.Statuses.Count <= 1, $"{request}: {answer.Statuses.Count} answers on one connection ({string.Join(", ", answer.Statuses)}): a second request was heard");
        Assert.DoesNotContain(answer.Statuses, status => status >= 500);
        if (request.Expected is { } expected)
            Assert.Equal(expected, answer.Status);
    }

    [Fact]
    public async Task The_whole_corpus_three_times_over_leaves_every_replica_in_rotation_and_counts_no_5xx()
    {
        var fiveHundredsBefore = await GatewayFiveHundredsAsync();

        // Three rounds, eight connections at a time: well past the ~30 failures that used to take every replica out.
        for (var round = 0; round < 3; round++)
        {
            await Parallel.ForEachAsync(PoisonRequests.All, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancellation },
                async (request, token) =>
                {
                    var answer = await PoisonExchange.SendAsync(GatewayEndPoint, request, token);
                    Assert.True(answer.Statuses.Count <= 1 && answer.Statuses.All(status => status < 500),
                        $"{request}: answered {string.Join(", ", answer.Statuses)}");
                });
        }

        var metrics = await Gateway.ReadMetricsAsync(Cancellation);
        foreach (var replica in Cluster.Replicas)
            Assert.Equal(1, PrometheusText.Value(metrics, "gateway_upstream_healthy", $"cluster=\"{GatewayService.Cluster}\",destination=\"{replica.Id}\""));
        Assert.Equal(0, PrometheusText.Value(metrics, "gateway_upstream_destinations", $"cluster=\"{GatewayService.Cluster}\",state=\"unhealthy\""));
        var fiveHundredsAfter = await GatewayFiveHundredsAsync();
        var added = fiveHundredsAfter.Where(series => series.Value != fiveHundredsBefore.GetValueOrDefault(series.Key))
            .Select(series => $"{series.Key}: {fiveHundredsBefore.GetValueOrDefault(series.Key)} → {series.Value}").ToList();
        Assert.True(added.Count == 0, $"the gateway counted 5xx: {string.Join("; ", added)}; its log:{Environment.NewLine}{Gateway.Output}");
        var reached = await CountReplicasAsync(Client(), 30);
        Assert.Equal(Cluster.Replicas.Select(replica => replica.Id).Order(), reached.Keys.Order());
    }

    [Fact]
    public async Task The_refusal_names_the_header_and_never_echoes_its_value()
    {
        var request = PoisonRequests.All.Single(r => r.Name.StartsWith("UTF-8 Idempotency-Key", StringComparison.Ordinal));
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(GatewayEndPoint, Cancellation);
        var stream = client.GetStream();
        await stream.WriteAsync(request.Bytes(GatewayEndPoint.ToString()), Cancellation);
        var buffer = new byte[8192];
        var read = 0;
        while (!System.Text.Encoding.UTF8.GetString(buffer, 0, read).Contains('}', StringComparison.Ordinal) && read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), Cancellation);
            if (n == 0)
                break;
            read += n;
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 400", text, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid-header\"", text, StringComparison.Ordinal);
        Assert.Contains(PlatformHeaders.IdempotencyKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ключ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u043A", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(PlatformHeaders.Replica, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Neither_the_gateway_nor_a_replica_names_its_server_software()
    {
        using var proxied = await Client().GetAsync("/api/v1/health", Cancellation);
        using var refused = await Client().GetAsync("/nope", Cancellation);
        using var direct = await Cluster.Replicas[0].CreateClient().GetAsync("/api/v1/health", Cancellation);
        using var management = await ClientFor(Gateway.MetricsAddress!).GetAsync("/health/live", Cancellation);
        using var replicaMetrics = await ClientFor(Cluster.Replicas[0].MetricsAddress).GetAsync("/metrics", Cancellation);

        foreach (var response in (HttpResponseMessage[])[proxied, refused, direct, management, replicaMetrics])
            Assert.False(response.Headers.Contains("Server"), $"{response.RequestMessage?.RequestUri}: Server: {string.Join(",", response.Headers.Server)}");
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replicaMetrics.StatusCode);
    }

    private IPEndPoint GatewayEndPoint => new(IPAddress.Loopback, Gateway.BaseAddress.Port);

    /// <summary>The gateway's 5xx counts by series (route, destination, method), so a failure names what answered them.</summary>
    private async Task<Dictionary<string, double>> GatewayFiveHundredsAsync() =>
        PrometheusText.Samples(await Gateway.ReadMetricsAsync(Cancellation), "gateway_request_duration_seconds_count")
            .Where(sample => sample.Labels.Contains("code=\"5xx\"", StringComparison.Ordinal))
            .ToDictionary(sample => sample.Labels, sample => sample.Value, StringComparer.Ordinal);
}
