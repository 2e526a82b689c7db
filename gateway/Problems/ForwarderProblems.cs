using Platform.Contracts.Problems;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Problems;

/// <summary>
/// Gives YARP's failures a problem+json body. YARP reports a failure through
/// <see cref="IForwarderErrorFeature"/> and a bare status code: 503 when no destination is
/// available, 504 when the replica did not answer within the activity timeout, 502 when it could
/// not be reached or broke off, 4xx when the client's own body could not be read.
/// </summary>
public static class ForwarderProblems
{
    public static IApplicationBuilder UseForwarderProblems(this IApplicationBuilder pipeline)
    {
        pipeline.Use(static async (context, next) =>
        {
            await next(context);
            // Once the response has started there is no status left to choose; a client that went away hears nothing.
            if (context.Features.Get<IForwarderErrorFeature>() is { } failure
                && !context.Response.HasStarted
                && !ClientDeparture.Seen(context))
            {
                await WriteAsync(context, failure.Error);
            }
        });
        return pipeline;
    }

    private static Task WriteAsync(HttpContext context, ForwarderError error) => (error, context.Response.StatusCode) switch
    {
        (ForwarderError.NoAvailableDestinations, _) => GatewayProblems.WriteAsync(context,
            StatusCodes.Status503ServiceUnavailable, ProblemTypes.UpstreamUnavailable, "No replica is available",
            $"Every replica is failing its health checks or unreachable. Retry after {GatewayProblems.RetryAfterSeconds} s.",
            GatewayProblems.RetryAfterSeconds),
        (_, StatusCodes.Status504GatewayTimeout) => GatewayProblems.WriteAsync(context,
            StatusCodes.Status504GatewayTimeout, ProblemTypes.UpstreamTimeout, "The replica did not answer in time",
            $"No answer from the replica within {ActivityTimeout(context).TotalSeconds:0.###} s; the request may or may not have taken effect."),
        (_, StatusCodes.Status413PayloadTooLarge) => GatewayProblems.WriteAsync(context,
            StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "The request body is too large",
            "The body is larger than the gateway accepts."),
        (_, var status and >= 400 and < 500) => GatewayProblems.WriteAsync(context,
            status, ProblemTypes.MalformedRequest, "The request could not be read",
            "The request body could not be read completely from the client."),
        _ => GatewayProblems.WriteAsync(context,
            StatusCodes.Status502BadGateway, ProblemTypes.UpstreamError, "The replica failed to answer",
            "The replica could not be reached or broke off before answering. Requests that are unsafe to repeat " +
            "(a POST without an Idempotency-Key) are not retried by the gateway, since the replica may have acted on them."),
    };

    // YARP's own default when the cluster sets none.
    private static TimeSpan ActivityTimeout(HttpContext context) =>
        context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.HttpRequest?.ActivityTimeout ?? TimeSpan.FromSeconds(100);
}
