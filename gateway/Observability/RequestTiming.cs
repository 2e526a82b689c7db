using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using Platform.Contracts.Tracing;
using Platform.Gateway.Problems;
using Prometheus;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Observability;

/// <summary>
/// Times every request into <c>gateway_request_duration_seconds</c>, labelled with the YARP route,
/// the destination that answered (after a retry or a won hedge, the one that finally did), the
/// method and the status class. The labels are read when the request ends, from the matched
/// endpoint rather than the proxy feature, so answers given before forwarding (a 413, a 429) still
/// count against their route.
/// </summary>
/// <remarks>
/// Written here rather than with prometheus-net's HTTP metrics middleware, which this used first:
/// that one captures route data, builds the label values and looks the series up by them on every
/// request, and labels the method as the client sent it, so every invented method made new series.
/// Here methods outside the standard ones share the label value "other", and the series is found by
/// its four label values in a cache of the library's own children, with no allocation (metrics
/// 2.9 % of the gateway's profile before, 2.3 % after; docs/benchmarks/gateway-cost.md).
/// <para>
/// It also settles the request's trace, as the request ends and before its span does: an answer of
/// 5xx (a failure, a shed, a deadline) keeps the trace however it was sampled
/// (<see cref="KeptTraces"/>), and a kept request's duration carries its trace id as the bucket's
/// exemplar, so a dashboard can open the trace behind a slow bucket. Unkept requests carry none: their
/// trace ids lead nowhere.
/// </para>
/// </remarks>
internal sealed class RequestTiming(Histogram? durations)
{
    private static readonly FrozenSet<string> StandardMethods = FrozenSet.Create(StringComparer.Ordinal,
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete,
        HttpMethods.Patch, HttpMethods.Options, HttpMethods.Trace, HttpMethods.Connect);

    private const string OtherMethod = "other";

    private static readonly string[] StatusClasses = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"];

    private readonly ConcurrentDictionary<(string Route, string Destination, string Method, string Code), Histogram.Child> _series = new();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception error)
        {
            // Counted as the exception handler outside this answers it: a client that went away or
            // sent a broken request is the client's (4xx), never a 5xx that the alerts would see.
            Observe(context, started, error switch
            {
                _ when ClientDeparture.Seen(context, error) => StatusCodes.Status499ClientClosedRequest,
                BadHttpRequestException bad => bad.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            });
            throw;
        }
        // A 5xx nobody received because the client had gone is the client's leaving: YARP sets 502 when
        // the client's side of the exchange failed (ClientDeparture names which), and
        // the 5xx alerts must not fire on a client's whim.
        var status = context.Response.StatusCode;
        Observe(context, started, status >= 500 && ClientDeparture.Seen(context) ? StatusCodes.Status499ClientClosedRequest : status);
    }

    private void Observe(HttpContext context, long started, int status)
    {
        var activity = Activity.Current;
        if (KeptTraces.IsKeptStatus(status))
            KeptTraces.Keep(activity);
        if (activity is { Recorded: true } && activity.GetTagItem("url.path") is null)
        {
            // Kept after it started (by its outcome or a hedge): what the server instrumentation records at the start.
            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.path", context.Request.Path.Value);
        }
        if (durations is null)
            return;

        var method = HttpMethods.GetCanonicalizedValue(context.Request.Method);
        var key = (
            context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId ?? GatewayObservabilitySetup.None,
            context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId ?? GatewayObservabilitySetup.None,
            StandardMethods.Contains(method) ? method : OtherMethod,
            StatusClasses[Math.Clamp(status / 100, 0, 9)]);
        if (!_series.TryGetValue(key, out var series))
            series = _series.GetOrAdd(key, static (key, durations) => durations.WithLabels(key.Route, key.Destination, key.Method, key.Code), durations);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (activity is { Recorded: true })
            series.Observe(seconds, SampledTraces.Exemplar(activity));
        else
            series.Observe(seconds);
    }
}
