using System.Globalization;
using Platform.Contracts.Problems;

namespace Platform.Gateway.Problems;

/// <summary>
/// How the gateway writes the problems it answers itself (RFC 9457), with the API's vocabulary
/// (<see cref="ProblemTypes"/>), so clients switch on one set of names whichever part answered.
/// Answers from a replica pass through untouched.
/// </summary>
public static class GatewayProblems
{
    /// <summary>Seconds a client should wait after a 503: about one active health-check round.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>
    /// Answers with a problem+json body. Does nothing once the response has started, when a status
    /// and body can no longer be chosen. Headers already set (e.g. rate-limit fields) are kept.
    /// </summary>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when given.</param>
    public static Task WriteAsync(HttpContext context, int status, string type, string title, string detail, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
            return Task.CompletedTask;

        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: status, title: title, type: type).ExecuteAsync(context);
    }
}
