using System.Globalization;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Problems;
using Platform.Gateway.RateLimiting;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Identity.FailedAuthentication;

/// <summary>
/// Makes failed authentication cost the caller's address (docs/identity.md, "Failed authentication").
/// Before identification: an address out of failures gets 429 <c>too-many-failed-authentications</c>
/// for every request that does not carry a valid key (a valid key always passes, so the client whose
/// key was guessed, and anyone sharing the address with a key, are untouched). After the answer: the
/// gateway's own 401 for an unknown key, and a replica's 401 or 404 to an anonymous request carrying a
/// guest secret, count one failure against the address.
/// </summary>
internal sealed class FailedAuthenticationLockout(RequestDelegate next, FailedAuthentications failures, ApiKeyDirectory clients)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is null)
        {
            await next(context);
            return;
        }

        var address = ClientKey.FromAddress(context.Connection.RemoteIpAddress);
        if (failures.IsLockedOut(address, failures.Clock.Now(), out var wait) && !CarriesValidKey(context.Request))
        {
            failures.CountLockout();
            var seconds = (int)Math.Min(int.MaxValue, failures.Policy.RetryAfterSeconds(wait));
            await GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyFailedAuthentications,
                "Too many failed authentications",
                string.Create(CultureInfo.InvariantCulture,
                    $"Too many unknown API keys or wrong guest secrets came from this address; retry after {seconds} s. Requests with a valid {PlatformHeaders.ApiKey} are not affected."),
                seconds);
            return;
        }

        var guestSecret = context.Request.Headers.ContainsKey(PlatformHeaders.ReservationSecret);
        await next(context);
        if (IsFailure(context, guestSecret))
        {
            failures.Count(address, failures.Clock.Now());
        }
    }

    private bool CarriesValidKey(HttpRequest request)
    {
        var key = request.Headers[PlatformHeaders.ApiKey];
        return key.Count == 1 && clients.TryFind(key[0], out _);
    }

    /// <summary>
    /// A 401 with no caller settled is identification's unknown key; a 401 or 404 from a replica to an
    /// anonymous request with a guest secret is a wrong (or guessed) secret. A keyed client's own 404s
    /// are its business, never counted.
    /// </summary>
    private static bool IsFailure(HttpContext context, bool guestSecret)
    {
        var status = context.Response.StatusCode;
        var caller = Caller.Of(context);
        return caller is null
            ? status == StatusCodes.Status401Unauthorized
            : guestSecret && caller.IsAnonymous && status is StatusCodes.Status401Unauthorized or StatusCodes.Status404NotFound;
    }
}
