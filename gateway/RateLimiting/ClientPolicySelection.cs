using Microsoft.AspNetCore.RateLimiting;
using Platform.Gateway.Identity;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// Settles, once per proxied request, which bucket the rate-limiting middleware charges, from the
/// caller <see cref="ClientIdentification"/> identified: an API-key client its tier under its own key,
/// the anonymous caller the <c>anonymous</c> policy for its IP (already corrected by the
/// forwarded-headers middleware, for trusted proxies only). A YARP route that names a
/// <c>RateLimiterPolicy</c> overrides the policy, keeping the client. The RateLimit headers are
/// written from the limiter's decision when the response starts.
/// </summary>
internal sealed class ClientPolicySelection(RequestDelegate next, PolicySet policies, RateLimitMetrics metrics)
{
    private static readonly Func<object, Task> WriteHeaders = static state =>
    {
        var (response, request) = ((HttpResponse, RateLimitedRequest))state;
        RateLimitHeaders.Write(response.Headers, request);
        return Task.CompletedTask;
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        // Only proxied routes are limited (identification left a caller on them and only them); a
        // route may opt out with RateLimiterPolicy "Disable".
        if (endpoint is null
            || Caller.Of(context) is not { } caller
            || endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            await next(context);
            return;
        }

        var policy = caller.Policy ?? policies.Anonymous;
        var client = caller.IsAnonymous ? ClientKey.FromAddress(context.Connection.RemoteIpAddress) : caller.Key;
        if (endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName is { } routePolicy
            && policies.TryGet(routePolicy, out var overriding))
        {
            policy = overriding;
        }

        var request = new RateLimitedRequest(policy, client);
        context.Features.Set(request);
        context.Response.OnStarting(WriteHeaders, (context.Response, request));
        await next(context);
        metrics.Count(request);
    }
}
