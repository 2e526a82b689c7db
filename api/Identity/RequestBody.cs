using Platform.Contracts.Identity;


namespace Platform.Api.Identity;

/// <summary>
/// Reads a request's body once, in full (Kestrel's <c>MaxRequestBodySize</c>, 64 KiB, bounds it), to
/// digest it, and leaves it readable again from the start for the endpoint: the digest is of the
/// very bytes the endpoint then parses.
/// </summary>
internal static class RequestBody
{
    /// <summary>The body's RFC 9530 <c>Content-Digest</c>, or null when the request has no body (or an empty one).</summary>
    public static async Task<string?> DigestAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength == 0
            || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
            return null;

        var copy = new MemoryStream(request.ContentLength is { } length and <= 64 * 1024 ? (int)length : 1024);
        await request.Body.CopyToAsync(copy, context.RequestAborted);
        request.Body = new MemoryStream(copy.GetBuffer(), 0, (int)copy.Length, writable: false);
        return copy.Length == 0 ? null : IdentityToken.ContentDigest(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }
}
