using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Platform.Contracts.Http;
using Platform.Contracts.Identity;
using Platform.Gateway.Proxy;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Identity;

/// <summary>
/// Signs <c>X-Client-Identity</c> for the caller <see cref="ClientIdentification"/> settled, bound to
/// this request (docs/identity.md): method, path and query, <c>Idempotency-Key</c>, and for a body the
/// SHA-256 of the exact bytes forwarded, also sent as RFC 9530 <c>Content-Digest</c>. Runs in the proxy
/// pipeline after the rate limiter and the body read (RequestBodyLimit), so a refused request costs no digest, and
/// before the retry and the hedge plan, which forward the same buffered bytes with the same headers.
/// The anonymous caller's quotas are counted under a keyed hash of its address (the rate limiter's
/// per-address key), so no address leaves the gateway.
/// </summary>
internal sealed class IdentitySigning(RequestDelegate next, SigningKey signingKey, TimeProvider time)
{
    private const int ReadChunk = 16 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (Caller.Of(context) is not { } caller)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        request.Headers.Remove(PlatformHeaders.ContentDigest);
        string? digest = null;
        if (request.ContentLength != 0 && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            // UseRequestBodyLimit, before this, has read the whole body into memory and settled every
            // client fault in it (too large, cut short, too slow, abandoned); what is read here is that buffer.
            digest = await DigestAsync(request.Body, context.RequestAborted);
            request.Body.Position = 0;
            if (digest is not null)
                request.Headers[PlatformHeaders.ContentDigest] = digest;
        }

        var idempotencyKey = request.Headers[PlatformHeaders.IdempotencyKey];
        var holder = caller.IsAnonymous ? AnonymousHolder(context) : caller.Name;
        // Overwrites every value the client sent under this name.
        request.Headers[PlatformHeaders.ClientIdentity] = IdentityToken.Sign(signingKey.Bytes,
            new IdentityClaims(caller.Name, caller.Scopes, holder, caller.Limits), time.GetUtcNow().ToUnixTimeMilliseconds(),
            new SignedRequest(request.Method, request.Path.Value + request.QueryString.Value,
                idempotencyKey.Count == 0 ? null : idempotencyKey.ToString(), digest));
        await next(context);
    }

    /// <summary>The body's <c>Content-Digest</c>, or null for an empty body; the body is left read to its end.</summary>
    private static async Task<string?> DigestAsync(Stream body, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, ReadChunk), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
            if (total == 0)
                return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return $"sha-256=:{Convert.ToBase64String(digest)}:";
    }

    private string AnonymousHolder(HttpContext context)
    {
        var key = ClientKey.FromAddress(context.Connection.RemoteIpAddress);
        Span<byte> address = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(address, key.High);
        BinaryPrimitives.WriteUInt64BigEndian(address[8..], key.Low);
        return IdentityToken.AnonymousHolder(signingKey.Bytes, address);
    }
}
