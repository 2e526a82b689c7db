using System.Diagnostics;
using Microsoft.Net.Http.Headers;

namespace Platform.Gateway.Tracing;

/// <summary>
/// A client's trace context is a claim, not a fact: a client choosing the parent could graft its
/// requests onto another trace, force the sampled flag on for every request it sends, or pass
/// <c>baggage</c> the replicas would copy into their own context. So the gateway starts a new trace for
/// every request, and a valid incoming <c>traceparent</c> is only linked to it (the W3C advice for an
/// untrusted boundary); <c>traceparent</c>, <c>tracestate</c>, <c>baggage</c> and the older
/// <c>Request-Id</c> and <c>Correlation-Context</c> are removed before anything is forwarded, traced or
/// not, so a replica only ever sees the gateway's own context.
/// </summary>
public static class ClientTraceContext
{
    public static void Untrust(HttpContext context)
    {
        var headers = context.Request.Headers;
        var parent = headers.TraceParent;
        if (parent.Count == 1 && Activity.Current is { } activity
            && ActivityContext.TryParse(parent[0], headers.TraceState.Count == 1 ? headers.TraceState[0] : null, isRemote: true, out var claimed))
        {
            activity.AddLink(new ActivityLink(claimed));
        }

        headers.Remove(HeaderNames.TraceParent);
        headers.Remove(HeaderNames.TraceState);
        headers.Remove(HeaderNames.Baggage);
        headers.Remove(HeaderNames.RequestId);
        headers.Remove(HeaderNames.CorrelationContext);
    }

    /// <summary>The propagator hosting reads the incoming context with: no parent, no baggage, ever.</summary>
    internal sealed class Ignored : DistributedContextPropagator
    {
        private static readonly DistributedContextPropagator Outgoing = CreateDefaultPropagator();

        public override IReadOnlyCollection<string> Fields => Outgoing.Fields;

        public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
            Outgoing.Inject(activity, carrier, setter);

        public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
        {
            traceId = null;
            traceState = null;
        }

        public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
    }
}
