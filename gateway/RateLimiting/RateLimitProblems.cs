using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Identity;
using Platform.Gateway.Problems;

namespace Platform.Gateway.RateLimiting;

/// <summary>The answer the limiter gives itself, as problem+json (an unknown key's 401 is identification's: <see cref="IdentityProblems"/>).</summary>
internal static class RateLimitProblems
{
    /// <summary>The middleware's OnRejected: 429 (status already set), headers come from the request's decision.</summary>
    public static ValueTask Rejected(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var request = context.Features.Get<RateLimitedRequest>();
        var limit = request?.Limit;
        var detail = request is null || limit is null
            ? "Too many requests."
            : limit == request.Policy
                ? string.Create(CultureInfo.InvariantCulture,
                    $"Policy '{limit.Name}' allows a burst of {limit.Burst} and {limit.PermitsPerSecond} requests per second; retry after {limit.RetryAfterSeconds(request.Wait)} s.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"Anonymous clients together ('{limit.Name}') may send a burst of {limit.Burst} and {limit.PermitsPerSecond} requests per second, and that is spent; retry after {limit.RetryAfterSeconds(request.Wait)} s, or send an {PlatformHeaders.ApiKey}.");
        return new ValueTask(GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, ProblemTypes.QuotaExceeded, "Too many requests", detail));
    }
}
