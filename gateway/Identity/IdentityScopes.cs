using Platform.Contracts.Identity;


namespace Platform.Gateway.Identity;

/// <summary>The scopes a caller may hold (docs/identity.md, Scopes); the replicas decide what each allows.</summary>
public static class IdentityScopes
{
    public const string Create = IdentityNames.Create;
    public const string Read = IdentityNames.Read;
    public const string Manage = IdentityNames.Manage;
    public const string Admin = IdentityNames.Admin;
    public const string Export = IdentityNames.Export;

    public static IReadOnlyList<string> All => IdentityNames.Scopes;

    /// <summary>The only scope an anonymous caller can be given.</summary>
    public static IReadOnlyList<string> Anonymous { get; } = [Create];

    /// <summary>The header's form: distinct scopes in configured order, comma-separated (empty for none).</summary>
    public static string Join(IEnumerable<string>? scopes) => string.Join(',', (scopes ?? []).Distinct(StringComparer.Ordinal));
}
