namespace Platform.Contracts.Identity;

/// <summary>
/// The names the header carries (docs/identity.md): the anonymous caller's client name and the
/// scopes. The gateway, the replicas and the test harness spell them from here.
/// </summary>
public static class IdentityNames
{
    public const string AnonymousClient = "anonymous";

    public const string Create = "reservations:create";
    public const string Read = "reservations:read";
    public const string Manage = "reservations:manage";
    public const string Admin = "reservations:admin";
}
