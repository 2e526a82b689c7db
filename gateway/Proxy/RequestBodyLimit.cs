using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Gateway.Problems;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Refuses a body over Kestrel's <c>MaxRequestBodySize</c> with a 413 before any replica is chosen.
/// Kestrel alone enforces the limit only while the body is read, which for a proxied request is
/// after the replica has received the headers and part of the body.
/// </summary>
public static class RequestBodyLimit
{
    // Bodies are small (64 KiB by default); a larger configured limit is still buffered in memory up
    // to this much, and on disk beyond it.
    private const int MaxInMemoryBytes = 1024 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder pipeline)
    {
        pipeline.Use(static (context, next) =>
            context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
                ? CheckAsync(context, next, limit)
                : next(context));
        return pipeline;
    }

    /// <summary>Makes the body readable again from the start, kept in memory up to the body limit.</summary>
    public static void BufferInMemory(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? MaxInMemoryBytes;
        context.Request.EnableBuffering((int)Math.Min(limit, MaxInMemoryBytes));
    }

    private static async Task CheckAsync(HttpContext context, RequestDelegate next, long limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        if (request.ContentLength is null)
        {
            // A body of unknown length (chunked) is read in full first: one that grows past the
            // limit is refused here, not half-way through reaching a replica.
            BufferInMemory(context);
            try
            {
                await request.Body.DrainAsync(context.RequestAborted);
            }
            catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteTooLargeAsync(context, limit);
                return;
            }
            request.Body.Position = 0;
        }

        await next(context);
    }

    private static Task WriteTooLargeAsync(HttpContext context, long limit) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, GatewayProblems.PayloadTooLarge,
            "The request body is too large",
            $"The body may be at most {limit} bytes; it was refused before reaching a replica.");
}
