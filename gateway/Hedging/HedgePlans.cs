using Microsoft.AspNetCore.Http.Features;
using Platform.Gateway.Proxy;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Platform.Gateway.Hedging;

/// <summary>Makes each proxied request's <see cref="HedgePlan"/> and hands it to the hedging handler.</summary>
public static class HedgePlans
{
    /// <summary>Must run after the outlier filter and SafeRetry, right before load balancing.</summary>
    public static IApplicationBuilder UseHedgePlans(this IApplicationBuilder pipeline)
    {
        pipeline.Use(static async (context, next) =>
        {
            var proxy = context.GetReverseProxyFeature();
            var bulk = BulkRoutes.IsBulk(proxy.Route.Config);
            var safe = SafeRetry.IsSafeToRepeat(context.Request);
            // A retry after a refused connection runs this again: the body was read the first time.
            var body = context.Features.Get<HedgePlan>()?.Body;
            if (safe && body is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            {
                // Bounded: RequestBodyLimit has already refused anything over Kestrel's body limit.
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                body = buffer.ToArray();
                context.Request.Body = new MemoryStream(body, writable: false);
            }
            context.Features.Set(new HedgePlan(proxy, proxy.AvailableDestinations, safe, body, bulk));
            await next(context);
        });
        return pipeline;
    }

    /// <summary>Hands the plan to the hedging handler with the outgoing request.</summary>
    public static void AddHedgePlanTransform(TransformBuilderContext transforms) =>
        transforms.AddRequestTransform(static transform =>
        {
            if (transform.HttpContext.Features.Get<HedgePlan>() is { } plan)
                transform.ProxyRequest.Options.Set(HedgePlan.Key, plan);
            return ValueTask.CompletedTask;
        });
}
