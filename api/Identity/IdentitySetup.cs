using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Api.Identity;

/// <summary>
/// Who is calling (docs/identity.md): the framework's authentication with the gateway's signed
/// header as its one scheme, one authorization policy per scope, and problem+json for 401 and 403.
/// </summary>
public static class IdentitySetup
{
    /// <summary>Reading one reservation: the read scope, or an anonymous guest (who must then show the reservation's secret).</summary>
    public const string ReadOwn = "read-own";

    /// <summary>Confirming or cancelling: the manage scope, or an anonymous guest with the reservation's secret.</summary>
    public const string ManageOwn = "manage-own";

    public static WebApplicationBuilder AddIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section)
            .PostConfigure(o => o.LoadSigningKey())
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptions.SigningKeyIsUsable>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddAuthentication(GatewayAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, GatewayAuthenticationHandler>(
                GatewayAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Scopes.Create, Policy(Scopes.Create, guestsWithSecret: false))
            .AddPolicy(Scopes.Read, Policy(Scopes.Read, guestsWithSecret: false))
            .AddPolicy(Scopes.Admin, Policy(Scopes.Admin, guestsWithSecret: false))
            .AddPolicy(Scopes.Export, Policy(Scopes.Export, guestsWithSecret: false))
            .AddPolicy(ReadOwn, Policy(Scopes.Read, guestsWithSecret: true))
            .AddPolicy(ManageOwn, Policy(Scopes.Manage, guestsWithSecret: true));
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, IdentityProblems>();
        return builder;
    }

    public static WebApplication UseIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// The endpoint needs <paramref name="policy"/> (a scope, or <see cref="ReadOwn"/> / <see cref="ManageOwn"/>):
    /// 401 invalid-identity without a valid gateway identity, 403 insufficient-scope without the scope.
    /// </summary>
    public static RouteHandlerBuilder RequireScope(this RouteHandlerBuilder endpoint, string policy) =>
        endpoint.RequireAuthorization(policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    private static AuthorizationPolicy Policy(string scope, bool guestsWithSecret) =>
        new AuthorizationPolicyBuilder(GatewayAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(scope, guestsWithSecret))
            .Build();
}
