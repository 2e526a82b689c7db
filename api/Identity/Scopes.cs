namespace Platform.Api.Identity;

/// <summary>The scopes of docs/identity.md; each is also the name of the authorization policy that requires it.</summary>
public static class Scopes
{
    public const string Create = "reservations:create";
    public const string Read = "reservations:read";
    public const string Manage = "reservations:manage";
    public const string Admin = "reservations:admin";

    /// <summary>The client name the gateway gives callers without an API key.</summary>
    public const string AnonymousClient = "anonymous";

    /// <summary>The claim type each scope of the caller is held in.</summary>
    public const string ClaimType = "scope";
}
