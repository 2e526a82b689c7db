using System.Diagnostics;
using Platform.Testing;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// A test finds its own request's trace through the one thing a client controls: the traceparent it
/// sends, which the gateway links to (never adopts) its own trace.
/// </summary>
public sealed record ClientTraceparent(ActivityTraceId TraceId, ActivitySpanId SpanId)
{
    public static ClientTraceparent New() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

    /// <summary>The header's value, with the sampled flag set (which the gateway must not trust).</summary>
    public string Header => $"00-{TraceId.ToHexString()}-{SpanId.ToHexString()}-01";

    public void AddTo(HttpRequestMessage request) => request.Headers.TryAddWithoutValidation("traceparent", Header);

    /// <summary>The gateway's server span that links to this context, once the viewer holds it.</summary>
    public async Task<TelemetrySpan> GatewaySpanAsync(TraceViewer viewer, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TraceViewer.DefaultWait);
        while (true)
        {
            try
            {
                using var answer = await viewer.GetSpansAsync(resource: "gateway", limit: 10_000);
                var span = TelemetrySpan.All(answer).FirstOrDefault(s => s.Scope == "Microsoft.AspNetCore" && LinksHere(s));
                if (span is not null)
                    return span with { Span = span.Span.Clone() }; // outlives the answer
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The viewer has seen nothing from the gateway yet.
            }

            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No gateway span linked to the client's trace {TraceId} within {timeout ?? TraceViewer.DefaultWait}.");
            await Task.Delay(250);
        }
    }

    private bool LinksHere(TelemetrySpan span) =>
        span.Span.TryGetProperty("links", out var links)
        && links.EnumerateArray().Any(link => link.TryGetProperty("traceId", out var id) && id.GetString() == TraceId.ToHexString());
}
