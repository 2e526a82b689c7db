using System.Globalization;

namespace Platform.Gateway.Problems;

/// <summary>
/// Every problem type the gateway itself answers with (RFC 9457), short names as in the API, so
/// clients switch on one vocabulary whichever part answered. Answers from a replica pass through untouched.
/// </summary>
public static class GatewayProblems
{
    public const string NotFound = "not-found";
    public const string PayloadTooLarge = "payload-too-large";
    public const string MalformedRequest = "malformed-request";
    /// <summary>A header name or value the gateway cannot forward (non-ASCII, control characters); refused at the door.</summary>
    public const string InvalidHeader = "invalid-header";
    public const string UpstreamUnavailable = "upstream-unavailable";
    public const string UpstreamTimeout = "upstream-timeout";
    public const string UpstreamError = "upstream-error";
    public const string InternalError = "internal-error";

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
