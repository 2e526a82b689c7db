using Platform.Contracts.Identity;


namespace Platform.Api.Identity;

/// <summary>The scopes of docs/identity.md; each is also the name of the authorization policy that requires it.</summary>
public static class Scopes
{
    public const string Create = IdentityNames.Create;
    public const string Read = IdentityNames.Read;
    public const string Manage = IdentityNames.Manage;
    public const string Admin = IdentityNames.Admin;
    public const string Export = IdentityNames.Export;

    /// <summary>The client name the gateway gives callers without an API key.</summary>
    public const string AnonymousClient = IdentityNames.AnonymousClient;

    /// <summary>The claim type each scope of the caller is held in.</summary>
    public const string ClaimType = "scope";
}
