using Platform.Identity;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Identity;

/// <summary>
/// Settles, once per proxied request, who is calling, and tells the replica in a signed
/// <c>X-Client-Identity</c> header (docs/identity.md): a known <c>X-Api-Key</c> names a client, no key
/// is the anonymous caller, anything else is a 401 and a key in the query string a 400, neither ever
/// proxied. The header replaces whatever the client sent, and is bound to this method, path and
/// query, so the replica can trust it; the <c>X-Api-Key</c> itself goes no further. The caller is
/// left as a request feature for the rate limiter.
/// Hedged copies and retries carry the same header: they copy the request's headers.
/// </summary>
internal sealed class ClientIdentification(RequestDelegate next, ApiKeyDirectory clients, SigningKey signingKey, TimeProvider time, IdentityMetrics metrics)
{
    public const string ApiKeyHeader = "X-Api-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        // Only proxied routes reach a replica; the gateway's own 404s need no caller.
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is null)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        if (request.QueryString.HasValue && QueryStringKeys.ContainsApiKey(request.QueryString.Value))
        {
            await IdentityProblems.WriteApiKeyInQuery(context);
            return;
        }

        var snapshot = clients.Current;
        Caller caller;
        var apiKey = request.Headers[ApiKeyHeader];
        if (apiKey.Count == 0)
        {
            caller = snapshot.Anonymous;
        }
        else if (apiKey.Count != 1 || !snapshot.TryFind(apiKey[0], out caller))
        {
            metrics.CountUnknownKey();
            await IdentityProblems.WriteUnknownApiKey(context);
            return;
        }

        // The key has done its work here: the replicas learn the client from the signed header, and a
        // key that went no further cannot turn up in their logs or dumps.
        if (apiKey.Count > 0)
            request.Headers.Remove(ApiKeyHeader);
        // Overwrites every value the client sent under this name.
        request.Headers[IdentityToken.Header] = IdentityToken.Sign(signingKey.Bytes, caller.Name, caller.Scopes,
            time.GetUtcNow().ToUnixTimeMilliseconds(), request.Method, request.Path.Value + request.QueryString.Value);
        context.Features[typeof(Caller)] = caller;
        await next(context);
        caller.CountAnswer(context.Response.StatusCode);
    }
}
