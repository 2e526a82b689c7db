using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.Identity;

/// <summary>
/// The answers of the framework's authorization as problem+json: no valid identity (challenge) is
/// 401 invalid-identity, a missing scope (forbid) is 403 insufficient-scope naming the scope.
/// Neither reaches the endpoint, so neither touches the database.
/// </summary>
public sealed class IdentityProblems(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            await Problem.WriteAsync(problems, context, StatusCodes.Status401Unauthorized, ProblemTypes.InvalidIdentity,
                "No valid client identity",
                $"This call needs the {PlatformHeaders.ClientIdentity} header the gateway signs for it; call through the gateway.");
            return;
        }
        if (authorizeResult.Forbidden)
        {
            var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().Select(r => r.Scope).FirstOrDefault()
                          ?? policy.Requirements.OfType<ScopeRequirement>().Select(r => r.Scope).FirstOrDefault() ?? "unknown";
            await Problem.WriteAsync(problems, context, StatusCodes.Status403Forbidden, ProblemTypes.InsufficientScope,
                "Insufficient scope", $"This call needs the scope '{missing}', which this client does not have.");
            return;
        }
        await next(context);
    }
}
