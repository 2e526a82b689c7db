using System.Globalization;
using System.Net;
using System.Text.Json;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// A kept request's trace id is its latency bucket's exemplar, as Prometheus (with exemplar storage, as
/// <c>up</c> runs it) scrapes and keeps it: the link a dashboard follows from a slow bucket to the trace.
/// </summary>
[Collection(SharedTracedPlatform.Name)]
public sealed class ExemplarTraceTests(TracedPlatform platform) : GatewayTest
{
    [Fact]
    public async Task A_kept_request_s_trace_id_is_its_bucket_s_exemplar_in_Prometheus_and_leads_to_its_trace()
    {
        RequiredServer.Locate(PrometheusService.Server);
        var port = FreePort.Next();
        var gateway = platform.Sampled.MetricsAddress!;
        await using var prometheus = await MonitoringServer.StartPrometheusAsync(port, new Dictionary<string, string>
        {
            [PrometheusService.ConfigFileName] = $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: gateway
                    static_configs:
                      - targets: ['{gateway.Authority}']
                """,
        });

        var context = ClientTraceparent.New();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health"))
        {
            context.AddTo(request);
            using var response = await ClientFor(platform.Sampled).SendAsync(request, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var root = await context.GatewaySpanAsync(platform.Viewer);
        using var api = new HttpClient { BaseAddress = prometheus.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var since = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string answer = "";
        await Eventually.AssertAsync(async () =>
        {
            answer = await api.GetStringAsync(
                $"/api/v1/query_exemplars?query=gateway_request_duration_seconds_bucket&start={since}&end={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds()}",
                Cancellation);
            return TraceIds(answer).Contains(root.TraceId);
        }, TimeSpan.FromSeconds(30), () => $"no exemplar with trace {root.TraceId}: {answer[..Math.Min(answer.Length, 600)]}", TimeSpan.FromSeconds(1));

        // The exemplar's trace is one the viewer holds: the link leads somewhere.
        using var trace = await platform.Viewer.GetTraceAsync(root.TraceId, Cancellation);
        Assert.Contains(TelemetrySpan.All(trace), s => s.SpanId == root.SpanId);
    }

    private static HashSet<string> TraceIds(string answer)
    {
        using var document = JsonDocument.Parse(answer);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var series in document.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var exemplar in series.GetProperty("exemplars").EnumerateArray())
            {
                if (exemplar.GetProperty("labels").TryGetProperty("trace_id", out var id))
                    ids.Add(id.GetString()!);
            }
        }

        return ids;
    }
}
