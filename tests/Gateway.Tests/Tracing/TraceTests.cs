using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Proxy;
using Platform.Gateway.Tracing;
using Platform.Testing;
using Platform.Topology.Faults;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// Traces as the viewer shows them, made by real requests through a real gateway to real replicas
/// and MariaDB, read back through the viewer's own API.
/// </summary>
public sealed class TraceTests(TracedPlatform platform) : GatewayTest, IClassFixture<TracedPlatform>
{
    private async Task<HttpResponseMessage> SendAsync(GatewayProcess gateway, HttpMethod method, string path, ClientTraceparent? context,
        JsonNode? body = null, string? secret = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        context?.AddTo(request);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (secret is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, secret);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return await ClientFor(gateway).SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task A_create_and_a_read_are_each_one_trace_from_the_gateway_through_a_replica_to_MariaDB()
    {
        var createContext = ClientTraceparent.New();
        using var created = await SendAsync(platform.Sampled, HttpMethod.Post, "/api/v1/reservations", createContext, NewReservation(out _));
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        var readContext = ClientTraceparent.New();
        using var read = await SendAsync(platform.Sampled, HttpMethod.Get, $"/api/v1/reservations/{reservation["code"]}", readContext,
            secret: (string)reservation["guestSecret"]!);
        await ExpectAsync(read, HttpStatusCode.OK);

        foreach (var (context, answeredBy, method) in new[] { (createContext, ReplicaOf(created), "POST"), (readContext, ReplicaOf(read), "GET") })
        {
            var root = await context.GatewaySpanAsync(platform.Viewer);
            // A new trace: the client's context is a link, never the parent.
            Assert.NotEqual(context.TraceId.ToHexString(), root.TraceId);
            Assert.Null(root.ParentSpanId is { Length: > 0 } ? root.ParentSpanId : null);
            Assert.Equal(method, root.Attribute("http.request.method"));

            var spans = await ViewerTraces.WaitForAsync(platform.Viewer, root.TraceId,
                spans => spans.Any(s => s.Scope == "MySqlConnector"), "the replica's statements");
            // The attempt whose replica answered (a cold replica may have been hedged: then two attempts, siblings).
            var attempt = Assert.Single(spans, s => s.Scope == AttemptSpans.SourceName && s.Attribute("platform.destination") == answeredBy);
            Assert.Equal(root.SpanId, attempt.ParentSpanId);
            var send = Assert.Single(spans, s => s.Service == "gateway" && s.Scope == "System.Net.Http" && s.ParentSpanId == attempt.SpanId);
            var server = Assert.Single(spans, s => s.Service == "api" && s.Scope == "Microsoft.AspNetCore" && s.ParentSpanId == send.SpanId);
            var statements = spans.Where(s => s.Scope == "MySqlConnector" && s.ParentSpanId == server.SpanId).ToList();
            Assert.NotEmpty(statements);
            Assert.All(statements, s => Assert.Equal(root.TraceId, s.TraceId));
        }
    }

    [Fact]
    public async Task A_sampled_out_request_that_fails_is_kept_at_the_gateway_and_one_that_succeeds_is_not()
    {
        var failed = ClientTraceparent.New();
        // A body over the replicas' limit but under the gateway's is the replica's 413... a 5xx needs a
        // fault: a deadline the replica cannot meet, asked for by the client (1 ms), answered 504.
        using var late = await SendAsync(platform.SampledOut, HttpMethod.Get, "/api/v1/reservations?guestPhone=%2B5491100000000", failed,
            headers: (PlatformHeaders.RequestTimeoutMs, "1"));
        Assert.True((int)late.StatusCode >= 500, $"expected a 5xx for a 1 ms deadline, got {(int)late.StatusCode}");
        var ok = ClientTraceparent.New();
        using var fine = await SendAsync(platform.SampledOut, HttpMethod.Get, "/api/v1/health", ok);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);

        var kept = await failed.GatewaySpanAsync(platform.Viewer);
        Assert.Equal(((int)late.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), kept.Attribute("http.response.status_code"));
        // The kept failure was exported; the success sent just after it was not, within the same wait.
        await Assert.ThrowsAsync<TimeoutException>(() => ok.GatewaySpanAsync(platform.Viewer, TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public async Task A_client_traceparent_and_baggage_never_reach_a_replica_even_when_the_gateway_does_not_trace()
    {
        // A gateway with no collector; the replicas trace, and would keep a request whose parent says "sampled".
        await using var untraced = await GatewayProcess.StartAsync(platform.Cluster.Replicas);
        var forged = ClientTraceparent.New();
        for (var i = 0; i < 6; i++)
        {
            using var response = await SendAsync(untraced, HttpMethod.Get, "/api/v1/health", forged, headers: ("baggage", "role=admin,tenant=other"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Control: the same forged context sent to a replica directly is adopted there, so the viewer
        // would show it had the gateway passed it on.
        var direct = ClientTraceparent.New();
        using (var client = platform.Cluster.Replicas[0].CreateUnsignedClient())
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health"))
        {
            direct.AddTo(request);
            using var response = await client.SendAsync(request, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (await platform.Viewer.WaitForSpansAsync(traceId: direct.TraceId.ToHexString()))
        {
        }

        using var forgedSpans = await platform.Viewer.GetSpansAsync(traceId: forged.TraceId.ToHexString(), cancellationToken: Cancellation);
        Assert.Empty(TelemetrySpan.All(forgedSpans));
    }

    [Theory]
    [InlineData("00-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-b7ad6b7169203331-01")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra-parts-that-go-on-and-on-and-on")]
    [InlineData("garbage")]
    public async Task A_malformed_traceparent_is_ignored_and_the_request_answered(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation("traceparent", header);
        request.Headers.TryAddWithoutValidation("tracestate", new string('x', 4000));
        using var response = await ClientFor(platform.Sampled).SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Two_traceparent_headers_are_both_ignored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation("traceparent", [ClientTraceparent.New().Header, ClientTraceparent.New().Header]);
        using var response = await ClientFor(platform.Sampled).SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
