using Microsoft.AspNetCore.Http;
using Platform.Contracts.Identity;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Identity;

/// <summary>
/// Who a request comes from, as <see cref="ClientIdentification"/> settles it: a configured client or
/// the anonymous caller. Built once per client when the clients are (re)loaded, with everything a
/// request needs precomputed (the scopes as the header spells them, the rate limiter's key, the
/// denial counters), so identifying a request allocates nothing. Set as a request feature.
/// </summary>
internal sealed class Caller
{
    private readonly IdentityMetrics.Denials _denials;

    public Caller(string name, string scopes, string limits, TokenBucketPolicy? policy, IdentityMetrics.Denials denials)
    {
        Name = name;
        Scopes = scopes;
        Limits = limits;
        Policy = policy;
        _denials = denials;
        Key = policy is null ? default : ClientKey.ForApiClient(name);
    }

    /// <summary>The client's configured name, or <c>anonymous</c>.</summary>
    public string Name { get; }

    /// <summary>Comma-separated, as in <c>X-Client-Identity</c>; empty for none.</summary>
    public string Scopes { get; }

    /// <summary>The caller's business-flow limits, as the header spells them (<see cref="HoldLimits"/>).</summary>
    public string Limits { get; }

    /// <summary>The client's tier; null for the anonymous caller, who is limited per IP under <c>anonymous</c>.</summary>
    public TokenBucketPolicy? Policy { get; }

    /// <summary>The rate limiter's key, from the name: the same bucket across reloads and gateways.</summary>
    public ClientKey Key { get; }

    public bool IsAnonymous => Policy is null;

    /// <summary>The request's caller, or null when identification did not run (not a proxied route).</summary>
    public static Caller? Of(HttpContext context) => context.Features[typeof(Caller)] as Caller;

    public void CountAnswer(int status) => _denials.Count(status);
}
