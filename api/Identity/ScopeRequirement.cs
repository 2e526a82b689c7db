using Microsoft.AspNetCore.Authorization;

namespace Platform.Api.Identity;

/// <summary>
/// The caller holds <see cref="Scope"/>. Where <see cref="GuestsWithSecret"/> is set, an anonymous
/// caller passes too: its guest secret (checked by the endpoint against the reservation) stands in
/// for the scope it never holds (docs/identity.md, Anonymous guests).
/// </summary>
public sealed class ScopeRequirement(string scope, bool guestsWithSecret)
    : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    public bool GuestsWithSecret { get; } = guestsWithSecret;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        if (user.Identity is not { IsAuthenticated: true })
            return Task.CompletedTask;
        var anonymous = user.Identity.Name == Scopes.AnonymousClient;
        // A guest never holds more than create, whatever a misconfigured gateway would assert.
        var holds = user.HasClaim(Scopes.ClaimType, requirement.Scope) && (!anonymous || requirement.Scope == Scopes.Create);
        if (holds || (anonymous && requirement.GuestsWithSecret))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
