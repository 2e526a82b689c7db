using Microsoft.AspNetCore.RateLimiting;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// Settles, once per proxied request, who the client is and which policy applies, before the
/// rate-limiting middleware runs: a known <c>X-Api-Key</c> names a client and its tier, an unknown one
/// is a 401, no key means the <c>anonymous</c> policy for the client's IP (already corrected by the
/// forwarded-headers middleware, for trusted proxies only). A YARP route that names a
/// <c>RateLimiterPolicy</c> overrides the policy, keeping the client. The RateLimit headers are
/// written from the limiter's decision when the response starts.
/// </summary>
internal sealed class ClientIdentification(RequestDelegate next, PolicySet policies, ApiKeyDirectory keys, RateLimitMetrics metrics)
{
    public const string ApiKeyHeader = "X-Api-Key";

    private static readonly Func<object, Task> WriteHeaders = static state =>
    {
        var (response, request) = ((HttpResponse, RateLimitedRequest))state;
        RateLimitHeaders.Write(response.Headers, request);
        return Task.CompletedTask;
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        // Only proxied routes are limited; a route may opt out with RateLimiterPolicy "Disable".
        if (endpoint?.Metadata.GetMetadata<RouteModel>() is null
            || endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            await next(context);
            return;
        }

        TokenBucketPolicy policy;
        ClientKey client;
        var apiKey = context.Request.Headers[ApiKeyHeader];
        if (apiKey.Count == 0)
        {
            policy = policies.Anonymous;
            client = ClientKey.FromAddress(context.Connection.RemoteIpAddress);
        }
        else if (apiKey.Count == 1 && keys.TryFind(apiKey[0], out var known))
        {
            policy = known.Policy;
            client = known.Key;
        }
        else
        {
            metrics.CountUnknownKey();
            await RateLimitProblems.UnknownApiKey(context);
            return;
        }

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
