using Microsoft.AspNetCore.Http.Features;
using Platform.Contracts.Http;
using Prometheus;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Sends a request to a second replica when the first could not be reached, so a replica that just
/// died costs clients nothing. A request whose connection was refused (nothing was sent) is retried
/// whatever its method. After a connection reset before any response, only requests that are safe to
/// repeat are retried: GET and HEAD, and POST with an <c>Idempotency-Key</c>, which the API answers by
/// replaying the first result. Anything else gets YARP's 502, because the replica may have acted on
/// it before the connection broke.
/// </summary>
/// <remarks>
/// Must run before YARP's load balancing, which narrows <see cref="IReverseProxyFeature.AvailableDestinations"/>
/// to the one destination it picked: the retry takes the list as it was, less the failed one, and
/// runs load balancing, passive health and the forwarder again. Passive health has already counted
/// the failure against the first destination by the time this sees it.
/// </remarks>
public static class SafeRetry
{
    private static readonly Counter Retries = Metrics.CreateCounter(
        "gateway_upstream_retries_total",
        "Requests sent to another replica because the first could not be reached, by the destination that failed.",
        "cluster", "destination");

    /// <summary>
    /// Publishes a destination's retry count (0 until its first retry), so the series exists from the
    /// start and Prometheus's increase() counts the first retry too.
    /// </summary>
    public static void PublishRetries(string cluster, string destination) => Retries.WithLabels(cluster, destination);

    /// <summary>Drops a removed destination's retry count along with its other series.</summary>
    public static void UnpublishRetries(string cluster, string destination) => Retries.RemoveLabelled(cluster, destination);

    public static IApplicationBuilder UseSafeRetry(this IApplicationBuilder pipeline)
    {
        pipeline.Use(static (context, next) => ForwardWithRetryAsync(context, next));
        return pipeline;
    }

    /// <summary>GET and HEAD, and POST carrying an idempotency key.</summary>
    public static bool IsSafeToRepeat(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        || HttpMethods.IsHead(request.Method)
        || (HttpMethods.IsPost(request.Method) && request.Headers.ContainsKey(PlatformHeaders.IdempotencyKey));

    private static async Task ForwardWithRetryAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            RequestBodyLimit.BufferInMemory(context);

        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        await next(context);

        if (!(IsSafeToRepeat(request) ? FailedBeforeAnyResponse(context) : NeverSent(context)) || proxy.ProxiedDestination is not { } failed)
            return;
        var others = candidates.Where(destination => !ReferenceEquals(destination, failed)).ToArray();
        if (others.Length == 0)
            return;

        // Undo what the failed attempt left, so YARP forwards this as a fresh request:
        // it refuses to forward once a status other than 200 is set.
        Retries.WithLabels(proxy.Cluster.Config.ClusterId, failed.DestinationId).Inc();
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        proxy.ProxiedDestination = null;
        proxy.AvailableDestinations = others;
        if (request.Body.CanSeek)
            request.Body.Position = 0;
        await next(context);
    }

    /// <summary>The connection to the replica could not be opened, so it received nothing.</summary>
    private static bool NeverSent(HttpContext context) =>
        FailedBeforeAnyResponse(context)
        && context.Features.Get<IForwarderErrorFeature>()?.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    private static bool FailedBeforeAnyResponse(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>()?.Error == ForwarderError.Request
        && !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested;
}
