using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Faults;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// Traces as an operator sees them: headless Chromium logs in to the viewer and opens a request's trace, and
/// the test reads the spans off the rendered page. Set <see cref="ScreenshotsVariable"/> to a directory (relative
/// to the repository) and the hedged read's page is saved there as <c>hedged-trace.png</c>, the picture in the README.
/// It freezes a replica, so it has a traced platform of its own (a class fixture), not the shared one.
/// </summary>
public sealed class BrowserTraceTests(TracedPlatform platform) : GatewayTest, IClassFixture<TracedPlatform>
{
    /// <summary>A directory to save the hedged read's page in; unset, nothing is saved.</summary>
    public const string ScreenshotsVariable = "PLATFORM_SCREENSHOTS";

    private const int MaxReads = 12;

    [Fact]
    public async Task A_create_a_read_and_a_hedged_read_each_show_in_the_browser_from_the_gateway_down_to_MariaDB()
    {
        var sampled = ClientFor(platform.Sampled);
        var createContext = ClientTraceparent.New();
        using var created = await SendAsync(sampled, HttpMethod.Post, "/api/v1/reservations", createContext, NewReservation(out _));
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        var path = $"/api/v1/reservations/{reservation["code"]}";
        var secret = (string)reservation["guestSecret"]!;
        var readContext = ClientTraceparent.New();
        using var read = await SendAsync(sampled, HttpMethod.Get, path, readContext, secret: secret);
        await ExpectAsync(read, HttpStatusCode.OK);
        var (hedgedContext, hedgedBy, frozen) = await HedgedReadAsync(path, secret);

        await using var browser = await HeadlessChromium.StartAsync(1400, 1100); // tall enough for the grid and the span's attributes
        var page = await browser.NewPageAsync();
        await page.GoToAsync(platform.Viewer.LoginUrl.ToString());

        foreach (var (context, answeredBy, method) in new[] { (createContext, ReplicaOf(created)!, "POST"), (readContext, ReplicaOf(read)!, "GET") })
        {
            var detail = TraceDetailPage.Of(page, platform.Viewer, (await context.GatewaySpanAsync(platform.Viewer)).TraceId);
            var rows = await detail.WaitForRowsAsync(
                rows => rows.Any(r => r.IsReplica(answeredBy) && r.IsStatement), $"the {method}'s statements on {answeredBy}");
            // The gateway's server span (its route), its attempt and the socket handler's send, then the replica's server span.
            Assert.Equal(new SpanRow(method + " /api/{**rest}", "gateway"), rows[0]);
            Assert.Contains(rows, r => r.Resource == "gateway" && r.Name.StartsWith("attempt ", StringComparison.Ordinal));
            Assert.Contains(rows, r => r.Resource == "gateway" && r.Name.StartsWith($"HTTP {method} ", StringComparison.Ordinal));
            Assert.Contains(rows, r => r.IsReplica(answeredBy) && r.Name.StartsWith(method + " /api/v1/reservations", StringComparison.Ordinal));
        }

        var hedged = TraceDetailPage.Of(page, platform.Viewer, (await hedgedContext.GatewaySpanAsync(platform.Viewer)).TraceId);
        var hedgedRows = await hedged.WaitForRowsAsync(
            rows => rows.Any(r => r.Name == "attempt first") && rows.Any(r => r.Name == "attempt hedge") && rows.Any(r => r.IsReplica(hedgedBy) && r.IsStatement),
            $"both attempts and the statements of {hedgedBy}, the copy's replica");
        Assert.Equal(new SpanRow("GET /api/{**rest}", "gateway"), hedgedRows[0]);
        // The first attempt, to the frozen replica, abandoned when the copy answered: its replica traced nothing of it,
        // so the page shows the address it called beside it.
        var first = Assert.Single(hedgedRows, r => r.Name == "attempt first");
        Assert.Equal("gateway", first.Resource);
        Assert.True(first.Error, $"{first}: an abandoned attempt shows as an error");
        Assert.NotNull(first.Peer);
        Assert.Equal(frozen.BaseAddress, new Uri(first.Peer));
        var copy = Assert.Single(hedgedRows, r => r.Name == "attempt hedge");
        Assert.Equal(new SpanRow("attempt hedge", "gateway"), copy);
        Assert.Contains(hedgedRows, r => r.IsReplica(hedgedBy) && r.Name.StartsWith("GET /api/v1/reservations", StringComparison.Ordinal));
        // The frozen replica traced nothing: the first attempt left unsampled, before the hedge kept the trace.
        Assert.DoesNotContain(hedgedRows, r => r.Resource == "api-" + frozen.Id);
        // Its details name the replica it went to.
        var details = await hedged.OpenDetailsAsync(first);
        Assert.Contains(KeyValuePair.Create("platform.destination", frozen.Id), details);
        if (Environment.GetEnvironmentVariable(ScreenshotsVariable) is { Length: > 0 } directory)
        {
            var folder = Path.Combine(RepositoryRoot.Path, directory);
            Directory.CreateDirectory(folder);
            await hedged.ScreenshotAsync(Path.Combine(folder, "hedged-trace.png"));
        }
    }

    [Fact]
    public async Task A_browser_that_has_not_logged_in_is_sent_to_the_login_and_shown_no_trace()
    {
        var context = ClientTraceparent.New();
        using var read = await SendAsync(ClientFor(platform.Sampled), HttpMethod.Get, "/api/v1/health", context);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var traceId = (await context.GatewaySpanAsync(platform.Viewer)).TraceId; // the viewer holds it

        await using var browser = await HeadlessChromium.StartAsync();
        var detail = TraceDetailPage.Of(await browser.NewPrivatePageAsync(), platform.Viewer, traceId);
        await detail.OpenAsync();
        var shown = new Uri(detail.Page.Url);
        Assert.Equal("/login", shown.AbsolutePath);
        Assert.Contains("returnUrl=" + Uri.EscapeDataString("/traces/detail/" + traceId), shown.Query, StringComparison.Ordinal);
        Assert.Empty(await detail.RowsAsync());
        var text = await detail.TextAsync();
        Assert.Contains("Log in", text, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway", text, StringComparison.Ordinal);
        Assert.DoesNotContain(traceId[..7], text, StringComparison.Ordinal);

        // The same browser, once logged in with the token, is shown the trace: the login was all it lacked.
        await detail.Page.GoToAsync(platform.Viewer.LoginUrl.ToString());
        await detail.WaitForRowsAsync(rows => rows.Any(r => r.Resource == "gateway"), "the gateway's span");
    }

    /// <summary>
    /// Reads through the gateway that samples nothing while one replica is frozen (SIGSTOP), until one read is
    /// hedged: sent to the frozen replica, copied to another, which answered. Only that read's trace is kept.
    /// </summary>
    private async Task<(ClientTraceparent Context, string AnsweredBy, ApiReplica Frozen)> HedgedReadAsync(string path, string secret)
    {
        var client = ClientFor(platform.SampledOut);
        await CountReplicasAsync(client, 60); // every replica has answered enough reads to be judged by its races
        var frozen = platform.Cluster.Replicas[1];
        using (await ProcessFreeze.BeginAsync(frozen.ProcessId, Cancellation))
        {
            // Round robin sends one read in three to the frozen replica; the first of those is hedged.
            for (var i = 0; i < MaxReads; i++)
            {
                var won = HedgesWon(await platform.SampledOut.ReadMetricsAsync(Cancellation), frozen.Id);
                var context = ClientTraceparent.New();
                using var response = await SendAsync(client, HttpMethod.Get, path, context, secret: secret);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                if (HedgesWon(await platform.SampledOut.ReadMetricsAsync(Cancellation), frozen.Id) > won)
                    return (context, ReplicaOf(response)!, frozen);
            }
        }

        Assert.Fail($"none of {MaxReads} reads was hedged away from the frozen replica {frozen.Id}");
        throw new InvalidOperationException("unreachable");
    }

    private static double HedgesWon(string metrics, string destination) =>
        PrometheusText.Samples(metrics, "gateway_hedges_total")
            .Where(s => s.Label("outcome") == "won" && s.Label("destination") == destination).Sum(s => s.Value);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, ClientTraceparent context,
        JsonNode? body = null, string? secret = null)
    {
        using var request = new HttpRequestMessage(method, path);
        context.AddTo(request);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (secret is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, secret);
        return await client.SendAsync(request, Cancellation);
    }
}
