using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MySqlConnector;
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
[Collection(SharedTracedPlatform.Name)]
public sealed class TraceTests(TracedPlatform platform) : GatewayTest
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

            // The answering replica's statements: when a cold replica was hedged (two attempts, siblings), the
            // other replica's statements can reach the viewer first, so waiting for any statement was not enough.
            var spans = await ViewerTraces.WaitForAsync(platform.Viewer, root.TraceId,
                spans => HasStatementsUnder(spans, answeredBy), $"the statements of {answeredBy}, the replica that answered");
            // The attempt whose replica answered (a cold replica may have been hedged: then two attempts, siblings).
            var attempt = spans.SingleOrDefault(s => s.Scope == AttemptSpans.SourceName && s.Attribute("platform.destination") == answeredBy);
            Assert.True(attempt is not null, $"no attempt to {answeredBy}: " + string.Join(", ", spans.Select(s => $"{s.Service}/{s.Name}/{s.Attribute("platform.destination")}")));
            Assert.Equal(root.SpanId, attempt.ParentSpanId);
            var send = Assert.Single(spans, s => s.Service == "gateway" && s.Scope == "System.Net.Http" && s.ParentSpanId == attempt.SpanId);
            var server = Assert.Single(spans, s => s.Service == "api" && s.Scope == "Microsoft.AspNetCore" && s.ParentSpanId == send.SpanId);
            var statements = spans.Where(s => s.Scope == "MySqlConnector" && s.ParentSpanId == server.SpanId).ToList();
            Assert.NotEmpty(statements);
            Assert.All(statements, s => Assert.Equal(root.TraceId, s.TraceId));
        }
    }

    /// <summary>Whether the attempt to <paramref name="replica"/> has its send, that replica's server span and a statement under it.</summary>
    private static bool HasStatementsUnder(List<TelemetrySpan> spans, string? replica)
    {
        var attempt = spans.FirstOrDefault(s => s.Scope == AttemptSpans.SourceName && s.Attribute("platform.destination") == replica);
        var send = attempt is null ? null : spans.FirstOrDefault(s => s.Service == "gateway" && s.Scope == "System.Net.Http" && s.ParentSpanId == attempt.SpanId);
        var server = send is null ? null : spans.FirstOrDefault(s => s.Service == "api" && s.Scope == "Microsoft.AspNetCore" && s.ParentSpanId == send.SpanId);
        return server is not null && spans.Any(s => s.Scope == "MySqlConnector" && s.ParentSpanId == server.SpanId);
    }

    [Fact]
    public async Task A_sampled_out_request_that_fails_is_kept_and_its_log_lines_carry_its_trace_id_and_one_that_succeeds_is_not_kept()
    {
        // A fault held for real: a table lock the read waits behind until its deadline (800 ms), answered 504.
        using var created = await SendAsync(platform.Sampled, HttpMethod.Post, "/api/v1/reservations", null, NewReservation(out _));
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        var failed = ClientTraceparent.New();
        HttpResponseMessage late;
        await using (var holder = new MySqlConnection(platform.Cluster.Database.RootConnectionString))
        {
            await holder.OpenAsync(Cancellation);
            await using (var command = new MySqlCommand("LOCK TABLES reservations WRITE", holder))
                await command.ExecuteNonQueryAsync(Cancellation);
            try
            {
                late = await SendAsync(platform.SampledOut, HttpMethod.Get, $"/api/v1/reservations/{reservation["code"]}", failed,
                    secret: (string)reservation["guestSecret"]!, headers: (PlatformHeaders.RequestTimeoutMs, "800"));
            }
            finally
            {
                // A pooled session keeps its table locks: released before the connection goes back.
                await using var unlock = new MySqlCommand("UNLOCK TABLES", holder);
                await unlock.ExecuteNonQueryAsync(Cancellation);
            }
        }

        using var answered = late;
        Assert.Equal(HttpStatusCode.GatewayTimeout, late.StatusCode);
        // The success is a create without an Idempotency-Key, which the gateway never hedges: a hedged read is
        // rightly kept, and a health check sent just after the unlock was now and then hedged (CI, once).
        var ok = ClientTraceparent.New();
        using var fine = await SendAsync(platform.SampledOut, HttpMethod.Post, "/api/v1/reservations", ok, NewReservation(out _));
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);

        var kept = await failed.GatewaySpanAsync(platform.Viewer);
        Assert.Equal(((int)late.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), kept.Attribute("http.response.status_code"));
        // The replica that gave up logged it under the kept trace's id: in the viewer and on its console.
        // (The viewer filters by one instance's name, api-api-1, not by the service's: the trace id is the filter here.)
        using (var logs = await platform.Viewer.WaitForLogsAsync(traceId: kept.TraceId))
            Assert.Contains(TelemetryLog.All(logs), record => record.Service == "api" && record.Body.Contains("Deadline passed", StringComparison.Ordinal));
        Assert.Contains(platform.Cluster.Replicas.SelectMany(r => r.Output.Lines), line => line.Contains("Deadline passed", StringComparison.Ordinal) && line.Contains(kept.TraceId, StringComparison.Ordinal));
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

    [Fact]
    public async Task No_span_and_no_log_line_carries_a_guest_s_name_email_or_phone()
    {
        var tag = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(Random.Shared.Next(2500, 2900));
        var guest = new ReservationRequest(Random.Shared.Next(1, 1001), checkIn, checkIn.AddDays(2))
        {
            GuestName = $"Privata Zed{tag}",
            GuestEmail = $"privata{tag}@example.org",
        };
        var contexts = new[] { ClientTraceparent.New(), ClientTraceparent.New(), ClientTraceparent.New() };
        using var created = await SendAsync(platform.Sampled, HttpMethod.Post, "/api/v1/reservations", contexts[0], guest.ToJson());
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        using var read = await SendAsync(platform.Sampled, HttpMethod.Get, $"/api/v1/reservations/{reservation["code"]}", contexts[1],
            secret: (string)reservation["guestSecret"]!);
        await ExpectAsync(read, HttpStatusCode.OK);
        // The phone in a query string, as a guest's search sends it (refused or not, it is in the URL).
        using var search = await SendAsync(platform.Sampled, HttpMethod.Get, $"/api/v1/reservations?guestPhone={Uri.EscapeDataString(guest.GuestPhone)}&limit=5", contexts[2]);

        foreach (var context in contexts)
        {
            var root = await context.GatewaySpanAsync(platform.Viewer);
            await ViewerTraces.WaitForAsync(platform.Viewer, root.TraceId, spans => spans.Any(s => s.Service == "api"), "the replica's part");
        }

        string[] personal = [guest.GuestName, $"Zed{tag}", guest.GuestEmail, guest.GuestPhone, guest.GuestPhone.TrimStart('+'), Uri.EscapeDataString(guest.GuestPhone)];
        using var spans = await platform.Viewer.GetSpansAsync(limit: 10_000, cancellationToken: Cancellation);
        using var logs = await platform.Viewer.GetLogsAsync(limit: 10_000, cancellationToken: Cancellation);
        var consoles = platform.Cluster.Replicas.SelectMany(r => r.Output.Lines).Concat(platform.Sampled.Output.Lines);
        foreach (var (what, text) in new[] { ("spans", spans.RootElement.GetRawText()), ("logs", logs.RootElement.GetRawText()), ("console logs", string.Join("\n", consoles)) })
        {
            Assert.Contains(Witness(what), text, StringComparison.Ordinal);
            foreach (var value in personal)
                Assert.False(text.Contains(value, StringComparison.OrdinalIgnoreCase), $"the {what} carry \"{value}\"");
        }

        // What proves each scan read something: the spans hold this test's read (its path), the logs the services' start.
        string Witness(string what) => what == "spans" ? (string)reservation["code"]! : "Now listening on";
    }

    [Fact]
    public async Task Spans_that_never_reach_the_collector_are_counted()
    {
        var nowhere = FreePort.Next(); // nothing listens: every export fails
        await using var gateway = await GatewayProcess.StartAsync(platform.Cluster.Replicas, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{nowhere}",
            ["Tracing__SampleRatio"] = "1",
        });
        for (var i = 0; i < 5; i++)
        {
            using var response = await ClientFor(gateway).GetAsync("/api/v1/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Every kept span is counted lost once its export failed (the exporter sends every 5 s at most).
        string metrics = "";
        await Eventually.AssertAsync(async () =>
        {
            metrics = await gateway.ReadMetricsAsync(Cancellation);
            var kept = PrometheusText.Value(metrics, "tracing_spans_kept_total");
            return kept >= 15 && PrometheusText.Value(metrics, "tracing_spans_dropped_total", "reason=\"export_failed\"") == kept;
        }, TimeSpan.FromSeconds(20), () => string.Join(" | ", metrics.Split('\n').Where(l => l.StartsWith("tracing_", StringComparison.Ordinal))), TimeSpan.FromSeconds(1));
        Assert.Equal(0, PrometheusText.Value(metrics, "tracing_spans_exported_total"));
        Assert.Equal(0, PrometheusText.Value(metrics, "tracing_spans_dropped_total", "reason=\"queue_full\""));
    }

    [Fact]
    public async Task Spans_beyond_the_export_queue_while_the_collector_is_frozen_are_dropped_and_counted()
    {
        await using var viewer = await TraceViewer.StartAsync();
        var settings = TracedPlatform.Exporting(viewer, 1);
        settings["Tracing__MaxQueueSize"] = "1024";
        await using var gateway = await GatewayProcess.StartAsync(platform.Cluster.Replicas, settings);
        var client = ClientFor(gateway);
        string metrics;
        using (await ProcessFreeze.BeginAsync(viewer.ProcessId, Cancellation))
        {
            // 3 spans a request (the gateway's, the attempt's, the send's): far more than 1024 while nothing is exported.
            for (var i = 0; i < 600; i++)
            {
                using var response = await client.GetAsync("/api/v1/health", Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            metrics = await gateway.ReadMetricsAsync(Cancellation);
        }

        var dropped = PrometheusText.Value(metrics, "tracing_spans_dropped_total", "reason=\"queue_full\"");
        Assert.True(dropped > 0, string.Join(" | ", metrics.Split('\n').Where(l => l.StartsWith("tracing_", StringComparison.Ordinal))));
        Assert.True(PrometheusText.Value(metrics, "tracing_spans_kept_total") + dropped >= 1800, "every span is either kept or counted dropped");
        // Thawed, the collector takes what waited: every kept span is exported or counted as failed, none lost uncounted.
        await Eventually.AssertAsync(async () =>
        {
            metrics = await gateway.ReadMetricsAsync(Cancellation);
            return PrometheusText.Value(metrics, "tracing_spans_exported_total") + PrometheusText.Value(metrics, "tracing_spans_dropped_total", "reason=\"export_failed\"")
                == PrometheusText.Value(metrics, "tracing_spans_kept_total");
        }, TimeSpan.FromSeconds(40), () => string.Join(" | ", metrics.Split('\n').Where(l => l.StartsWith("tracing_", StringComparison.Ordinal))), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Every_span_kept_at_the_sampled_gateway_reaches_the_collector()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await ClientFor(platform.Sampled).GetAsync("/api/v1/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        string metrics = "";
        await Eventually.AssertAsync(async () =>
        {
            metrics = await platform.Sampled.ReadMetricsAsync(Cancellation);
            var kept = PrometheusText.Value(metrics, "tracing_spans_kept_total");
            return kept >= 15 && PrometheusText.Value(metrics, "tracing_spans_exported_total") == kept;
        }, TimeSpan.FromSeconds(20), () => string.Join(" | ", metrics.Split('\n').Where(l => l.StartsWith("tracing_", StringComparison.Ordinal))), TimeSpan.FromSeconds(1));
        Assert.Equal(0, PrometheusText.Value(metrics, "tracing_spans_dropped_total", "reason=\"export_failed\""));
        Assert.Equal(0, PrometheusText.Value(metrics, "tracing_spans_dropped_total", "reason=\"queue_full\""));
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
