using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;

namespace Platform.Gateway.RateLimiting;

/// <summary>The two answers the limiter gives itself, as problem+json.</summary>
internal static class RateLimitProblems
{
    public const string QuotaExceeded = "quota-exceeded";
    public const string UnknownApiKeyType = "unknown-api-key";

    /// <summary>The middleware's OnRejected: 429 (status already set), headers come from the request's decision.</summary>
    public static ValueTask Rejected(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var request = context.Features.Get<RateLimitedRequest>();
        var detail = request is null
            ? "Too many requests."
            : string.Create(CultureInfo.InvariantCulture,
                $"Policy '{request.Policy.Name}' allows a burst of {request.Policy.Burst} and {request.Policy.PermitsPerSecond} requests per second; retry after {request.Policy.RetryAfterSeconds(request.Wait)} s.");
        return new ValueTask(TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests", type: QuotaExceeded).ExecuteAsync(context));
    }

    public static Task UnknownApiKey(HttpContext context) =>
        TypedResults.Problem(
            $"The {ClientIdentification.ApiKeyHeader} header does not name a known client. Send a key you were issued, or no key for anonymous access.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unknown API key",
            type: UnknownApiKeyType).ExecuteAsync(context);
}
