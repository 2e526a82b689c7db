using Platform.Contracts.Http;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Identity;

/// <summary>
/// Settles, once per proxied request, who is calling, and tells the replica in a signed
/// <c>X-Client-Identity</c> header (docs/identity.md): a known <c>X-Api-Key</c> names a client, no key
/// is the anonymous caller, anything else is a 401 and a key in the query string a 400, neither ever
/// proxied. Whatever the client sent as that header is removed here; <see cref="IdentitySigning"/>
/// signs the request in the proxy pipeline. The <c>X-Api-Key</c> itself goes no further. The caller is
/// left as a request feature for the rate limiter and the signer.
/// </summary>
internal sealed class ClientIdentification(RequestDelegate next, ApiKeyDirectory clients, IdentityMetrics metrics)
{
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
        var apiKey = request.Headers[PlatformHeaders.ApiKey];
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
            request.Headers.Remove(PlatformHeaders.ApiKey);
        // Whatever the client sent under these names goes; IdentitySigning, after the rate limiter and
        // the body limit, signs the request as it will be forwarded.
        request.Headers.Remove(PlatformHeaders.ClientIdentity);
        request.Headers.Remove(PlatformHeaders.ContentDigest);
        context.Features[typeof(Caller)] = caller;
        await next(context);
        caller.CountAnswer(context.Response.StatusCode);
    }
}
