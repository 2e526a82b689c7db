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

    /// <summary>The back office's CSV export (docs/api.md, Back office): every client's reservations in bulk, a scope of its own.</summary>
    public const string Export = "reservations:export";

    /// <summary>Every scope a client may hold.</summary>
    public static IReadOnlyList<string> Scopes { get; } = [Create, Read, Manage, Admin, Export];
}
