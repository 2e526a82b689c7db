using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Platform.Identity;

namespace Platform.Api.Identity;

/// <summary>
/// Authenticates a request by the <c>X-Client-Identity</c> header the gateway signed
/// (<see cref="IdentityToken.TryVerify"/>, the one parser): the principal is the client, with one
/// <see cref="Scopes.ClaimType"/> claim per scope. No header is no identity; a header sent more than
/// once, or one that does not verify for this method and path within <c>Identity:MaxAge</c>, is a
/// failure. Either way, endpoints that need a scope answer 401 invalid-identity (<see cref="IdentityProblems"/>).
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

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[IdentityToken.Header];
        if (values.Count == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        // Two headers: which one the gateway meant cannot be known, so neither counts.
        if (values.Count > 1)
            return Task.FromResult(AuthenticateResult.Fail($"{IdentityToken.Header} was sent more than once."));

        var options = identity.Value;
        if (!IdentityToken.TryVerify(options.SigningKey, values[0], Request.Method, Request.Path.Value + Request.QueryString.Value,
                clock.GetUtcNow().ToUnixTimeMilliseconds(), (long)options.MaxAge.TotalMilliseconds, out var client, out var scopes))
        {
            // The reason is not told apart (malformed, stale, wrong MAC): that would help a forger.
            return Task.FromResult(AuthenticateResult.Fail($"{IdentityToken.Header} is not valid for this request."));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, client) };
        foreach (var scope in scopes.Split(',', StringSplitOptions.RemoveEmptyEntries))
            claims.Add(new Claim(Scopes.ClaimType, scope));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
