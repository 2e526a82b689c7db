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

    /// <summary>
    /// Of many requests, each one's gateway server span, or null for one the gateway did not keep: all are
    /// looked for at once, for <paramref name="firstWithin"/> until one is found and then
    /// <paramref name="othersWithin"/> more (long enough for the next export batch).
    /// </summary>
    public static async Task<TelemetrySpan?[]> KeptAsync(TraceViewer viewer, IReadOnlyList<ClientTraceparent> contexts, TimeSpan firstWithin, TimeSpan othersWithin)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(contexts);
        var found = new TelemetrySpan?[contexts.Count];
        var deadline = DateTime.UtcNow + firstWithin;
        var anyFound = false;
        while (true)
        {
            try
            {
                using var answer = await viewer.GetSpansAsync(resource: "gateway", limit: 10_000);
                foreach (var span in TelemetrySpan.All(answer).Where(s => s.Scope == "Microsoft.AspNetCore"))
                {
                    for (var i = 0; i < contexts.Count; i++)
                    {
                        if (found[i] is null && contexts[i].LinksHere(span))
                            found[i] = span with { Span = span.Span.Clone() }; // outlives the answer
                    }
                }
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The viewer has seen nothing from the gateway yet.
            }

            if (!anyFound && found.Any(span => span is not null))
            {
                anyFound = true;
                deadline = DateTime.UtcNow + othersWithin;
            }

            if (found.All(span => span is not null) || DateTime.UtcNow > deadline)
                return found;
            await Task.Delay(250);
        }
    }

    private bool LinksHere(TelemetrySpan span) =>
        span.Span.TryGetProperty("links", out var links)
        && links.EnumerateArray().Any(link => link.TryGetProperty("traceId", out var id) && id.GetString() == TraceId.ToHexString());
}
