using Platform.Contracts.Identity;


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

    /// <summary>The client's business-flow limits; none unless set (docs/api.md, Limits).</summary>
    public HoldLimitsOptions? Limits { get; set; }
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

    /// <summary>
    /// What an anonymous address may hold. Each setting left out keeps its default (a two-year horizon,
    /// small quotas, no confirming, a 10-minute hold): a guest's holds are confirmed by an admin-scoped
    /// client such as the payment service, or expire.
    /// </summary>
    public HoldLimitsOptions Limits { get; set; } = new()
    {
        MaxActiveHolds = 2,
        MaxHeldNights = 14,
        MaxNightsPerReservation = 14,
        HorizonDays = 730,
        MayConfirm = false,
        HoldTime = TimeSpan.FromMinutes(10),
    };
}

/// <summary>
/// A caller's business-flow limits (<c>Identity:Anonymous:Limits</c>, <c>Identity:Clients:{name}:Limits</c>).
/// The gateway puts them in the signed header; the replicas enforce them, the quotas exactly in the
/// database inside the create's one round trip. A setting left out is no limit (for a client).
/// </summary>
public sealed class HoldLimitsOptions
{
    /// <summary>Pre-reservations (holds) the caller may have at once.</summary>
    public int? MaxActiveHolds { get; set; }

    /// <summary>Nights the caller's holds may cover together.</summary>
    public int? MaxHeldNights { get; set; }

    /// <summary>Nights one reservation may cover (at most the API's own 30).</summary>
    public int? MaxNightsPerReservation { get; set; }

    /// <summary>How many days ahead a check-in may be.</summary>
    public int? HorizonDays { get; set; }

    /// <summary>Whether the caller may confirm its holds (clients: yes unless set to false).</summary>
    public bool? MayConfirm { get; set; }

    /// <summary>How long the caller's holds last; the replicas' <c>Reservations:HoldTime</c> when not set.</summary>
    public TimeSpan? HoldTime { get; set; }

    /// <summary>The header's form (<see cref="HoldLimits"/>).</summary>
    public string Format() => new HoldLimits(MaxActiveHolds, MaxHeldNights, MaxNightsPerReservation, HorizonDays,
        MayConfirm ?? true, HoldTime is { } hold ? (int)Math.Ceiling(hold.TotalSeconds) : null).Format();

    public override string ToString() => Format();
}
