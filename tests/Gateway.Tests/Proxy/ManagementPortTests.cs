using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>/metrics and /health/* live on the management port only, never behind the proxy port.</summary>
public class ManagementPortTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task Management_paths_are_not_found_through_the_proxy_port(string path)
    {
        using var response = await Client().GetAsync(path, Cancellation);
        await ExpectGatewayProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Health_is_served_on_the_management_port()
    {
        using var http = ClientFor(Gateway.MetricsAddress!);
        using var live = await http.GetAsync("/health/live", Cancellation);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var ready = await http.GetAsync("/health/ready", Cancellation);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync(Cancellation))!;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ok", (string?)body["status"]);
    }

    [Fact]
    public async Task Metrics_time_requests_by_the_destination_that_served_them_with_the_APIs_buckets()
    {
        await CountReplicasAsync(Client(), 6);
        using (var notFound = await Client().GetAsync("/nothing-here", Cancellation))
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);

        var metrics = await Gateway.ReadMetricsAsync(Cancellation);

        foreach (var replica in Cluster.Replicas)
        {
            var labels = $"route=\"api\",destination=\"{replica.Id}\",method=\"GET\",code=\"2xx\"";
            Assert.True(PrometheusText.Value(metrics, "gateway_request_duration_seconds_count", labels) >= 2, $"no {labels} in{Environment.NewLine}{metrics}");
            foreach (var bucket in new[] { "0.5", "5", "+Inf" })
                Assert.NotNull(PrometheusText.Value(metrics, "gateway_request_duration_seconds_bucket", $"{labels},le=\"{bucket}\""));
            Assert.Equal(1, PrometheusText.Value(metrics, "gateway_upstream_healthy", $"cluster=\"{GatewayService.Cluster}\",destination=\"{replica.Id}\""));
            // Present at 0 before any retry, so Prometheus's increase() counts the first one.
            Assert.Equal(0, PrometheusText.Value(metrics, "gateway_upstream_retries_total", $"cluster=\"{GatewayService.Cluster}\",destination=\"{replica.Id}\""));
        }
        Assert.True(PrometheusText.Value(metrics, "gateway_request_duration_seconds_count", "route=\"none\",destination=\"none\",method=\"GET\",code=\"4xx\"") >= 1);
        Assert.Equal(3, PrometheusText.Value(metrics, "gateway_upstream_destinations", $"cluster=\"{GatewayService.Cluster}\",state=\"healthy\""));
    }

    [Fact]
    public async Task Invented_methods_share_one_label_value_so_a_client_cannot_mint_series()
    {
        var invented = new[] { "BREW", "X-PROBE-1", "X-PROBE-2" };
        foreach (var method in invented)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "/api/v1/health");
            using var response = await Client().SendAsync(request, Cancellation);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        var metrics = await Gateway.ReadMetricsAsync(Cancellation);

        var others = PrometheusText.Samples(metrics, "gateway_request_duration_seconds_count")
            .Where(sample => sample.Label("method") == "other")
            .Sum(sample => sample.Value);
        Assert.True(others >= invented.Length, $"fewer than {invented.Length} requests under method=\"other\" in{Environment.NewLine}{metrics}");
        foreach (var method in invented)
            Assert.DoesNotContain($"method=\"{method}\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_metrics_off_nothing_listens_on_the_management_port_and_requests_are_still_proxied()
    {
        var metricsPort = FreePort.Next();
        await using var gateway = await GatewayProcess.StartAsync(Cluster.Replicas, new Dictionary<string, string>
        {
            ["Metrics__Enabled"] = "false",
            ["Metrics__Port"] = $"{metricsPort}",
        });

        var replicas = await CountReplicasAsync(ClientFor(gateway), 3);
        Assert.Equal(3, replicas.Count);
        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync(IPAddress.Loopback, metricsPort, Cancellation));
    }
}
