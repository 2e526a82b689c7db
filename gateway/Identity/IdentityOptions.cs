namespace Platform.Gateway.Identity;

/// <summary>
/// The <c>Identity</c> section: who the callers are (docs/identity.md). Checked at start-up and on
/// every reload by <see cref="IdentityOptionsValidator"/>; <see cref="Clients"/> and
/// <see cref="Anonymous"/> are re-read when configuration changes, the signing key only at start-up.
/// </summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>A file holding the key that signs <c>X-Client-Identity</c>, in base64 (at least 32 bytes). Required.</summary>
    public string SigningKeyFile { get; set; } = "";

    /// <summary>
    /// An optional JSON file, <c>{"Identity":{"Clients":{...}}}</c>, layered over the other settings and
    /// watched: rotating or revoking a key is an edit of this file, with no restart.
    /// </summary>
    public string ClientsFile { get; set; } = "";

    /// <summary>API-key clients by name (1-64 of <c>[A-Za-z0-9_-]</c>; <c>anonymous</c> is reserved).</summary>
    public Dictionary<string, IdentityClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    public AnonymousOptions Anonymous { get; set; } = new();
}

public sealed class IdentityClientOptions
{
    /// <summary>Hex SHA-256 of the key's UTF-8 bytes (either case); the key itself is never stored.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>While a key is rotated, the old key's digest: both keys name this client until it is removed.</summary>
    public string? PreviousSha256 { get; set; }

    /// <summary>The rate-limit policy (tier), one of <c>RateLimiting:Policies</c>.</summary>
    public string Policy { get; set; } = "";

    /// <summary>What the client may do (<see cref="IdentityScopes"/>); none when omitted, so every call that needs a scope is a 403.</summary>
    public string[]? Scopes { get; set; }
}

public sealed class AnonymousOptions
{
    /// <summary>
    /// The scopes of callers without a key: <c>["reservations:create"]</c> when not set, or none with
    /// <c>[]</c> in JSON (<c>Identity__Anonymous__Scopes=</c>, empty, in the environment). Null by default,
    /// and absent from appsettings.json, because a later configuration layer can replace array items
    /// but never remove them: a default written as a list could not be taken away.
    /// </summary>
    public string[]? Scopes { get; set; }

    public IReadOnlyList<string> EffectiveScopes => Scopes ?? [IdentityScopes.Create];
}
