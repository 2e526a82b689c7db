using System.Security.Claims;
using Platform.Contracts.Identity;

namespace Platform.Api.Identity;

/// <summary>
/// Who is calling, as the gateway asserted it: endpoints take it as a parameter. Only endpoints that
/// require a scope take it, so an authenticated principal is always there. <see cref="Holder"/> is whom
/// the caller's holds count against (an anonymous address's keyed hash, or the client's name), and
/// <see cref="Limits"/> its business-flow limits, both from the signed header.
/// </summary>
public sealed record Caller(string Client, bool IsAdmin)
{
    /// <summary>A guest without an API key: may read and change only the reservations whose guest secret it shows.</summary>
    public bool IsAnonymous => Client == Scopes.AnonymousClient;

    /// <summary>Whose quotas the caller's holds count against; empty when the header names nobody.</summary>
    public string Holder { get; init; } = "";

    internal HoldLimits Limits { get; init; } = HoldLimits.None;

    /// <summary>The claim holding <see cref="Holder"/>.</summary>
    public const string HolderClaim = "platform:holder";

    internal static Caller From(ClaimsPrincipal user, HoldLimits? limits = null)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: { } client })
            throw new InvalidOperationException("Caller is only available to endpoints that require a scope.");
        // Anonymous never holds admin, whatever a misconfigured gateway would say.
        return new Caller(client, client != Scopes.AnonymousClient && user.HasClaim(Scopes.ClaimType, Scopes.Admin))
        {
            Holder = user.FindFirst(HolderClaim)?.Value ?? "",
            Limits = limits ?? HoldLimits.None,
        };
    }

    /// <summary>Minimal API binding: <c>Caller caller</c> in an endpoint's parameters.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<Caller?>(From(context.User, context.Features.Get<HoldLimits>()));
}
