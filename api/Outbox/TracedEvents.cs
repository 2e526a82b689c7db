using System.Diagnostics;

namespace Platform.Api.Outbox;

/// <summary>
/// Ties an event's publication to the request that wrote it. The request's context is stored with the
/// event (<c>outbox.trace_parent</c>, only when its trace was kept: the others lead nowhere), and the
/// relay's span that publishes a batch links to every stored context, so it is kept whenever one of
/// them was (<see cref="Platform.Contracts.Tracing.PlatformSampler"/>) and the viewer goes from the
/// create to its publication and back. A link, not a parent: the publication happens later, in
/// another process's loop, for many requests at once.
/// </summary>
public static class TracedEvents
{
    public const string SourceName = "Platform.Api.Outbox";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current request's W3C <c>traceparent</c> when its trace is kept, else null (stored as NULL).</summary>
    public static string? TraceParent() => Activity.Current is { Recorded: true } activity ? activity.Id : null;

    /// <summary>The span of one relayed batch, linked to the kept requests that wrote its events; null when none was kept.</summary>
    public static Activity? StartPublication(IEnumerable<string?> traceParents, string stream, int events)
    {
        if (!Source.HasListeners())
            return null;
        List<ActivityLink>? links = null;
        foreach (var parent in traceParents)
        {
            if (parent is not null && ActivityContext.TryParse(parent, null, isRemote: true, out var context))
                (links ??= []).Add(new ActivityLink(context));
        }

        if (links is null)
            return null;
        var activity = Source.StartActivity(ActivityKind.Producer, parentContext: default, links: links, name: "publish " + stream);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", stream);
        activity?.SetTag("messaging.batch.message_count", events);
        return activity;
    }
}
