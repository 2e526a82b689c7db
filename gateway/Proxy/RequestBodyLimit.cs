using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Contracts.Problems;
using Platform.Gateway.Problems;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Reads every request body in full before any replica is chosen, and refuses one over Kestrel's
/// <c>MaxRequestBodySize</c> with a 413. Kestrel alone enforces the limit only while the body is read,
/// which for a proxied request is after the replica has received the headers and part of the body.
/// </summary>
/// <remarks>
/// Read here, not streamed to the replica, so that whatever goes wrong with a body is the client's
/// and is settled before a replica is involved: a body cut short is a 400, one that trickles slower
/// than Kestrel's <c>MinRequestBodyDataRate</c> a 408, a client that goes away a quiet close (logged
/// as 499). Streamed, each of these failed while YARP was sending to a replica, and ended as a
/// deadline's 504 or a 502 that passive health, the outlier detector and the 5xx alerts counted
/// against a healthy replica. Bodies are small (64 KiB by default), so holding one costs little.
/// Runs before the deadline starts: a slow client's upload is not the replica's time to answer.
/// </remarks>
public static class RequestBodyLimit
{
    // Bodies are small (64 KiB by default); a larger configured limit is still buffered in memory up
    // to this much, and on disk beyond it.
    private const int MaxInMemoryBytes = 1024 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder pipeline)
    {
        // Every body is read, limited or not: IdentitySigning digests the buffer this leaves.
        pipeline.Use(static (context, next) =>
            context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
                ? CheckAsync(context, next, context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
                : next(context));
        return pipeline;
    }

    /// <summary>Makes the body readable again from the start, kept in memory up to the body limit.</summary>
    public static void BufferInMemory(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? MaxInMemoryBytes;
        context.Request.EnableBuffering((int)Math.Min(limit, MaxInMemoryBytes));
    }

    private static async Task CheckAsync(HttpContext context, RequestDelegate next, long? limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

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
        catch (BadHttpRequestException bad)
        {
            // Cut short (400) or too slow (408): Kestrel's own reasons, which name no content.
            await GatewayProblems.WriteAsync(context, bad.StatusCode, ProblemTypes.MalformedRequest,
                "The request body could not be read", $"{bad.Message} The request was refused before reaching a replica.");
            return;
        }
        catch (Exception error) when (ClientDeparture.Seen(context, error))
        {
            // The client went away mid-body: nobody to answer, and nothing for a replica to see.
            context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return;
        }
        request.Body.Position = 0;

        await next(context);
    }

    private static Task WriteTooLargeAsync(HttpContext context, long? limit) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge,
            "The request body is too large",
            $"The body may be at most {limit} bytes; it was refused before reaching a replica.");
}
