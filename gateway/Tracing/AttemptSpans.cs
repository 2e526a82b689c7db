using System.Diagnostics;
using Platform.Contracts.Tracing;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Tracing;

/// <summary>
/// One span per send to a replica, a child of the request's span: a retry and a hedge's copy are
/// siblings of the first attempt, each naming its replica and its role. Under it, the socket handler's
/// own client span, whose context goes out to the replica: the replica's server span is its child. Kept whenever its request is kept, a first
/// attempt included when a hedge decided that only after it had started.
/// </summary>
/// <remarks>
/// YARP forwards through <see cref="SocketsHttpHandler"/>, whose own client span has no notion of an
/// attempt, a destination id or a hedge, and cannot be kept once it has started: this one can, when a
/// hedge decides, after the first attempt started, that the request is worth keeping.
/// </remarks>
public static class AttemptSpans
{
    public const string SourceName = "Platform.Gateway.Attempts";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The roles an attempt has: the first send, a retry after a refused connection, a hedge's copy.</summary>
    public const string First = "first";
    public const string Hedge = "hedge";

    /// <summary>Whether anyone listens (a collector is named); when not, an attempt costs nothing.</summary>
    public static bool Enabled => Source.HasListeners();

    public static Activity? Start(DestinationState? destination, string role)
    {
        var activity = Source.StartActivity("attempt " + role, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
            Describe(activity, destination, role);
        return activity;
    }

    /// <summary>
    /// Ends an attempt with its outcome. A failed attempt keeps its request's trace (a retry or a hedge
    /// follows it). An attempt that started unsampled has no span (OpenTelemetry makes none under an
    /// unsampled parent of its own process); if its request was kept meanwhile (a hedge went out while it
    /// waited), its span is made now, from <paramref name="startedAt"/>, so the trace shows what was hedged.
    /// </summary>
    public static void Stop(Activity? attempt, DateTime startedAt, DestinationState? destination, string role, HttpResponseMessage? response, Exception? error)
    {
        var failed = error is not null || response is { StatusCode: >= System.Net.HttpStatusCode.InternalServerError };
        var request = attempt is null ? Activity.Current : attempt.Parent;
        if (failed)
            KeptTraces.Keep(request);
        if (attempt is null)
        {
            if (request is not { Recorded: true })
                return;
            attempt = Source.StartActivity(ActivityKind.Client, request.Context, name: "attempt " + role, startTime: startedAt);
            if (attempt is null)
                return;
            Describe(attempt, destination, role);
        }

        // An attempt that exists is recorded: under an unsampled parent OpenTelemetry makes none.
        if (response is not null)
            attempt.SetTag("http.response.status_code", (int)response.StatusCode);
        if (error is not null)
            attempt.SetStatus(ActivityStatusCode.Error, error is OperationCanceledException ? "cancelled" : error.GetType().Name);
        else if (failed)
            attempt.SetStatus(ActivityStatusCode.Error);

        attempt.Stop();
    }

    private static void Describe(Activity activity, DestinationState? destination, string role)
    {
        activity.SetTag("platform.destination", destination?.DestinationId ?? "none");
        activity.SetTag("platform.attempt", role);
        if (destination?.Model?.Config.Address is { } address)
            activity.SetTag("server.address", address);
    }
}
