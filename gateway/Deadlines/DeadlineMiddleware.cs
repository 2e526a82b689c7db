using Platform.Contracts.Deadlines;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Prometheus;
using Platform.Gateway.Problems;
using Platform.Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Deadlines;

/// <summary>
/// Gives every proxied request its deadline (docs/deadlines.md). The request's abort token is
/// replaced by one that also fires at the deadline, so YARP's forwarder, the hedging handler and
/// every retry stop there; past it the client gets <c>504 upstream-timeout</c>. The replica is told
/// the instant in <see cref="PlatformHeaders.RequestDeadline"/> (<see cref="ProxyOptions.DeadlineMargin"/>
/// sooner), which this always overwrites.
/// </summary>
/// <remarks>
/// Written here rather than with ASP.NET Core's request-timeouts middleware, which takes one
/// timeout per endpoint: a client may shorten its own, and the replica must be told the instant.
/// YARP's forwarder takes no cancellation token from its middleware, only the request's abort
/// token, which is why that token is the one replaced.
/// </remarks>
public static class DeadlineMiddleware
{
    private static readonly Counter Exceeded = Metrics.CreateCounter(
        "gateway_deadline_exceeded_total",
        "Requests answered 504 upstream-timeout because their deadline passed before a replica answered, by YARP route.",
        "route");

    /// <summary>Publishes a route's counter at 0, so increase() sees its first timeout.</summary>
    public static void PublishRoute(string route) => Exceeded.WithLabels(route);

    public static IApplicationBuilder UseDeadlines(this IApplicationBuilder pipeline)
    {
        var clock = pipeline.ApplicationServices.GetRequiredService<TimeProvider>();
        var options = pipeline.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>();
        if (!options.Value.EnforceDeadlines)
            return pipeline;
        pipeline.Use((context, next) => WithDeadlineAsync(context, next, clock, options.Value.DefaultDeadline, options.Value.DeadlineMargin));
        return pipeline;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task WithDeadlineAsync(HttpContext context, RequestDelegate next, TimeProvider clock, TimeSpan defaultDeadline, TimeSpan margin)
    {
        var request = context.Request;
        if (!DeadlineHeaders.TryReadClientTimeout(request.Headers[PlatformHeaders.RequestTimeoutMs], out var asked))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest,
                $"Invalid {PlatformHeaders.RequestTimeoutMs}",
                $"{PlatformHeaders.RequestTimeoutMs} must be one whole number of milliseconds from 1 to {DeadlineHeaders.MaxClientTimeoutMs}.");
            return;
        }

        var route = context.GetRouteModel().Config;
        var length = RouteDeadlines.Of(route, defaultDeadline);
        if (asked < length)
            length = asked.Value;
        request.Headers.Remove(PlatformHeaders.RequestTimeoutMs);
        // The replica is told the deadline this much early, and an answer under way may end this much late.
        var tolerance = Min(margin, length / 10);
        // One source that fires at the deadline or when the client goes: a linked source over the two
        // would be a second source and two registrations on every proxied request.
        using var expiry = new RequestDeadline(length, tolerance, clock);
        request.Headers[PlatformHeaders.RequestDeadline] = DeadlineHeaders.FormatDeadline(expiry.Passes - tolerance);

        var clientAborted = context.RequestAborted;
        using var aborted = clientAborted.UnsafeRegister(static expiry => ((CancellationTokenSource)expiry!).Cancel(), expiry);
        context.RequestAborted = expiry.Token;
        context.Response.OnStarting(RequestDeadline.AnswerStarting, expiry);
        try
        {
            await next(context);
        }
        finally
        {
            context.RequestAborted = clientAborted;
        }

        if (expiry.IsCancellationRequested && !clientAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            // What YARP left for a cancelled request (its error, a 400 or 502) is not the answer.
            context.Features.Set<IForwarderErrorFeature>(null);
            Exceeded.WithLabels(route.RouteId).Inc();
            await GatewayProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, ProblemTypes.UpstreamTimeout,
                "The replica did not answer in time",
                $"No replica answered within the request's deadline of {length.TotalMilliseconds:0} ms; the request may or may not have taken effect " +
                $"(repeat a create with the same Idempotency-Key to find out). Retry after {GatewayProblems.RetryAfterSeconds} s.",
                GatewayProblems.RetryAfterSeconds);
        }
    }
}
