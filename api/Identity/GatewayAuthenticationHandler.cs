using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Platform.Contracts.Http;
using Platform.Contracts.Identity;

namespace Platform.Api.Identity;

/// <summary>
/// Authenticates a request by the <c>X-Client-Identity</c> header the gateway signed
/// (<see cref="IdentityToken.TryVerify"/>, the one parser): the principal is the client, with one
/// <see cref="Scopes.ClaimType"/> claim per scope. No header is no identity; a header sent more than
/// once, one that does not verify for this method, path, <c>Idempotency-Key</c> and body, one older than
/// <c>Identity:MaxAge</c> or dated more than <c>Identity:MaxFutureSkew</c> ahead, or a body that does not
/// match its signed <c>Content-Digest</c>, is a failure. Either way, endpoints that need a scope answer 401 invalid-identity (<see cref="IdentityProblems"/>).
/// </summary>
public sealed class GatewayAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<IdentityOptions> identity,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Gateway";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[PlatformHeaders.ClientIdentity];
        if (values.Count == 0)
            return AuthenticateResult.NoResult();
        // Two headers: which one the gateway meant cannot be known, so neither counts.
        if (values.Count > 1)
            return AuthenticateResult.Fail($"{PlatformHeaders.ClientIdentity} was sent more than once.");

        // The body this replica will act on, digested as read; the signature covers the gateway's digest
        // of what it forwarded, so a captured header cannot carry another body.
        var digest = await RequestBody.DigestAsync(Context);
        var presented = Request.Headers[PlatformHeaders.ContentDigest];
        if (digest is not null && (presented.Count != 1 || presented[0] != digest))
            return AuthenticateResult.Fail($"The body does not match a {PlatformHeaders.ContentDigest} the gateway signed.");

        var options = identity.Value;
        var idempotencyKey = Request.Headers[PlatformHeaders.IdempotencyKey];
        if (!IdentityToken.TryVerify(options.SigningKey, values[0],
                new SignedRequest(Request.Method, Request.Path.Value + Request.QueryString.Value,
                    idempotencyKey.Count == 0 ? null : idempotencyKey.ToString(), digest),
                clock.GetUtcNow().ToUnixTimeMilliseconds(), (long)options.MaxAge.TotalMilliseconds,
                (long)options.MaxFutureSkew.TotalMilliseconds, out var identityClaims, out var limits))
        {
            // The reason is not told apart (malformed, stale, wrong MAC): that would help a forger.
            return AuthenticateResult.Fail($"{PlatformHeaders.ClientIdentity} is not valid for this request.");
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, identityClaims.Client), new(Caller.HolderClaim, identityClaims.Holder) };
        foreach (var scope in identityClaims.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries))
            claims.Add(new Claim(Scopes.ClaimType, scope));
        Context.Features.Set(limits);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
