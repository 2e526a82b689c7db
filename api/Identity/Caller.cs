using System.Security.Claims;

namespace Platform.Api.Identity;

/// <summary>
/// Who is calling, as the gateway asserted it: endpoints take it as a parameter. Only endpoints that
/// require a scope take it, so an authenticated principal is always there.
/// </summary>
public sealed record Caller(string Client, bool IsAdmin)
{
    /// <summary>A guest without an API key: may read and change only the reservations whose guest secret it shows.</summary>
    public bool IsAnonymous => Client == Scopes.AnonymousClient;

    public static Caller From(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: { } client })
            throw new InvalidOperationException("Caller is only available to endpoints that require a scope.");
        // Anonymous never holds admin, whatever a misconfigured gateway would say.
        return new Caller(client, client != Scopes.AnonymousClient && user.HasClaim(Scopes.ClaimType, Scopes.Admin));
    }

    /// <summary>Minimal API binding: <c>Caller caller</c> in an endpoint's parameters.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(From(context.User));
}
