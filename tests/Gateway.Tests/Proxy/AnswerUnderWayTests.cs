using System.Diagnostics;
using System.Net;
using Platform.Contracts.Http;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// An answer the client has begun to receive when the deadline passes: it finishes within the grace (the
/// deadline margin) rather than being cut into a closed connection, and a body that stalls is still cut
/// then. Here a 5 s deadline with a 2 s margin gives a grace of 0.5 s (at most a tenth of the deadline).
/// POSTs, so no hedge or retry takes part.
/// </summary>
public sealed class AnswerUnderWayTests : GatewayTest
{
    private const string Deadline = "5000";

    private static async Task<GatewayProcess> GatewayInFrontOfAsync(TcpUpstream upstream) =>
        await GatewayProcess.StartAsync(
            new Dictionary<string, Uri> { ["slow"] = upstream.Address },
            new Dictionary<string, string>
            {
                [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false",
                ["Proxy__DefaultDeadline"] = "00:00:05",
                ["Proxy__DeadlineMargin"] = "00:00:02",
            });

    private static HttpRequestMessage Create()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestTimeoutMs, Deadline);
        return request;
    }

    [Fact]
    public async Task An_answer_whose_body_ends_just_past_the_deadline_reaches_the_client_whole()
    {
        // The upstream's clock starts when the request reaches it, after the gateway's deadline started,
        // so 50 ms past its own start is past the deadline; the 450 ms left of the grace absorb a loaded
        // two-core machine (200 ms past, 300 ms left, was once too little with the suite's processes starting).
        await using var upstream = TcpUpstream.AnsweringInTwoParts(restAfter: TimeSpan.FromMilliseconds(5050));
        await using var gateway = await GatewayInFrontOfAsync(upstream);

        using var request = Create();
        using var response = await ClientFor(gateway).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task A_body_that_stalls_is_cut_at_the_deadline_plus_the_grace_not_waited_for()
    {
        await using var upstream = TcpUpstream.AnsweringInTwoParts(restAfter: null);
        await using var gateway = await GatewayInFrontOfAsync(upstream);

        var took = Stopwatch.StartNew();
        using var request = Create();
        using var response = await ClientFor(gateway).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync(Cancellation));
        // 5 s deadline + 0.5 s grace, with slack for a loaded two-core machine; the body would never come.
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(8), $"the stalled answer held the client {took.Elapsed.TotalSeconds:0.0} s");
    }
}
