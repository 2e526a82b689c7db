using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Problems;

namespace Platform.Gateway.Identity;

/// <summary>The answers identification gives itself, as problem+json; nothing here names a key or echoes it.</summary>
internal static class IdentityProblems
{
    public static Task WriteUnknownApiKey(HttpContext context) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, ProblemTypes.UnknownApiKey, "Unknown API key",
            $"The {PlatformHeaders.ApiKey} header does not name a known client. Send a key you were issued, or no key for anonymous access.");

    public static Task WriteApiKeyInQuery(HttpContext context) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, ProblemTypes.ApiKeyInQuery, "API key in the URL",
            $"Send the key in the {PlatformHeaders.ApiKey} header, never in the query string: URLs end up in logs and browser histories. Consider that key exposed and ask for a new one.");
}
