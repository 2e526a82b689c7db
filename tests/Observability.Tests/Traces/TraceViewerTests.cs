using System.Net;
using System.Security.Cryptography;
using System.Text;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Observability.Tests.Traces;

/// <summary>
/// The trace viewer as the tests' fixture starts it (<see cref="TraceViewer"/>, the way <c>./platform up</c>
/// does): OTLP in only with the OTLP key, the telemetry API only with the API key, the UI only after a login,
/// and what was sent read back through the fixture's client. The spans and the log record here are OTLP JSON
/// written by hand, as any exporter would send them.
/// </summary>
public sealed class TraceViewerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_trace_and_its_log_sent_with_the_OTLP_key_are_read_back_and_nothing_is_taken_without_it()
    {
        await using var viewer = await TraceViewer.StartAsync();
        using var client = new HttpClient { BaseAddress = viewer.OtlpEndpoint };
        var traceId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var (root, child) = (RandomNumberGenerator.GetHexString(16, lowercase: true), RandomNumberGenerator.GetHexString(16, lowercase: true));
        var spans = Spans("probe-gateway", traceId, root, child);

        using (var refused = await PostAsync(client, "v1/traces", spans, key: null))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var wrongKey = await PostAsync(client, "v1/traces", spans, key: "not-the-key"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        // The header exactly as OTEL_EXPORTER_OTLP_HEADERS gives it to a service.
        Assert.Equal($"{TraceViewerService.OtlpKeyHeader}={viewer.OtlpKey}", viewer.OtlpHeaders);
        Assert.Equal(viewer.OtlpEndpoint.ToString().TrimEnd('/'), viewer.ExporterEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", viewer.ExporterEnvironment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal(viewer.OtlpHeaders, viewer.ExporterEnvironment["OTEL_EXPORTER_OTLP_HEADERS"]);
        using (var accepted = await PostAsync(client, "v1/traces", spans, viewer.OtlpKey))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using (var accepted = await PostAsync(client, "v1/logs", Log("probe-gateway", traceId, child, "request shed"), viewer.OtlpKey))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        using var trace = await viewer.WaitForTraceAsync(traceId, minimumSpans: 2);
        var read = TelemetrySpan.All(trace).OrderBy(span => span.ParentSpanId is not null).ToList();
        Assert.Equal([root, child], read.Select(span => span.SpanId));
        Assert.All(read, span => Assert.Equal("probe-gateway", span.Service));
        Assert.Equal("POST /api/v1/reservations", read[0].Name);
        Assert.Equal(root, read[1].ParentSpanId);
        Assert.Equal("503", read[1].Attribute("http.response.status_code"));
        Assert.Equal(2, read[1].StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(40), read[1].Duration);

        using var errors = await viewer.GetSpansAsync(resource: "probe-gateway", hasError: true, cancellationToken: Cancellation);
        Assert.Equal([child], TelemetrySpan.All(errors).Select(span => span.SpanId));
        using var traces = await viewer.GetTracesAsync(cancellationToken: Cancellation);
        Assert.Contains(traceId, TelemetrySpan.All(traces).Select(span => span.TraceId));

        using var logs = await viewer.WaitForLogsAsync(traceId: traceId);
        var log = Assert.Single(TelemetryLog.All(logs));
        Assert.Equal(("probe-gateway", "request shed", "Warning", child), (log.Service, log.Body, log.SeverityText, log.SpanId));

        var unknown = await Assert.ThrowsAsync<HttpRequestException>(() => viewer.GetTraceAsync(RandomNumberGenerator.GetHexString(32, lowercase: true), Cancellation));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await Assert.ThrowsAsync<TimeoutException>(() => viewer.WaitForSpansAsync(resource: "never-sent", timeout: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task The_UI_asks_for_a_login_that_the_login_url_gives_and_the_telemetry_API_wants_its_key()
    {
        await using var viewer = await TraceViewer.StartAsync();
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = viewer.UiBaseUrl };

        using (var page = await browser.GetAsync(new Uri("traces", UriKind.Relative), Cancellation))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }

        using (var wrong = await browser.GetAsync(new Uri("login?t=not-the-token", UriKind.Relative), Cancellation))
            Assert.Empty(cookies.GetCookies(viewer.UiBaseUrl));
        using (var login = await browser.GetAsync(viewer.LoginUrl, Cancellation))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.NotEmpty(cookies.GetCookies(viewer.UiBaseUrl));
        }

        using (var page = await browser.GetAsync(new Uri("traces", UriKind.Relative), Cancellation))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The browser's cookie is no key to the telemetry API, and neither is the wrong key.
        using (var api = await browser.GetAsync(new Uri("api/telemetry/traces", UriKind.Relative), Cancellation))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using (var wrongKey = new HttpRequestMessage(HttpMethod.Get, "api/telemetry/spans"))
        {
            wrongKey.Headers.Add(TraceViewerService.ApiKeyHeader, viewer.OtlpKey);
            using var api = await browser.SendAsync(wrongKey, Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }

        // The login URL is nowhere in what it wrote: up shows it once, logs get passed around.
        Assert.DoesNotContain(viewer.BrowserToken, viewer.Output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
            request.Headers.Add(TraceViewerService.OtlpKeyHeader, key);
        return await client.SendAsync(request, Cancellation);
    }

    private static long Now => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    // A server span and a failed child 40 ms long, from one service.
    private static string Spans(string service, string traceId, string root, string child)
    {
        var start = Now;
        return $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},
              "scopeSpans":[{"scope":{"name":"probe"},"spans":[
                {"traceId":"{{{traceId}}}","spanId":"{{{root}}}","name":"POST /api/v1/reservations","kind":2,
                 "startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{start + 50_000_000}}}","status":{}},
                {"traceId":"{{{traceId}}}","spanId":"{{{child}}}","parentSpanId":"{{{root}}}","name":"forward","kind":3,
                 "startTimeUnixNano":"{{{start + 5_000_000}}}","endTimeUnixNano":"{{{start + 45_000_000}}}",
                 "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}}],"status":{"code":2}}]}]}]}
            """;
    }

    private static string Log(string service, string traceId, string spanId, string message) => $$$"""
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},
          "scopeLogs":[{"scope":{"name":"Platform.Gateway"},"logRecords":[
            {"timeUnixNano":"{{{Now}}}","severityNumber":13,"severityText":"Warning","body":{"stringValue":"{{{message}}}"},
             "traceId":"{{{traceId}}}","spanId":"{{{spanId}}}"}]}]}]}
        """;
}
