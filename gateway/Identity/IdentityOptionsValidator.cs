using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Identity;

/// <summary>
/// Refuses identity settings that are missing, ambiguous or unsafe, naming the key: at start-up the
/// whole section (the gateway does not start), on a reload the clients and anonymous scopes (the
/// reload is refused whole and the previous clients stay, see <see cref="ApiKeyDirectory"/>).
/// Not registered as an options validator: <c>IOptionsMonitor</c> would throw a failed reload out of
/// its change callback and forget its last good value, where the directory must keep it.
/// </summary>
internal sealed class IdentityOptionsValidator(IOptions<RateLimitingOptions> limits, IHostEnvironment environment)
    : IValidateOptions<IdentityOptions>
{
    /// <summary>The client name of callers without a key.</summary>
    public const string AnonymousClient = IdentityNames.AnonymousClient;

    /// <summary>The label of requests whose key matches no client in <c>gateway_client_denials_total</c>.</summary>
    public const string UnknownClient = "unknown";

    private const string Section = IdentityOptions.Section;

    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (!SigningKey.TryRead(options.SigningKeyFile, environment, out _, out var problem))
            failures.Add(problem);
        failures.AddRange(ValidateClients(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What a reload may change: the clients and the anonymous scopes.</summary>
    public List<string> ValidateClients(IdentityOptions options)
    {
        var failures = new List<string>();
        var digests = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (client, settings) in options.Clients)
        {
            var key = $"{Section}:Clients:{client}";
            if (!IdentityToken.IsClientName(client))
                failures.Add($"{key}: a client name must be 1-64 letters, digits, '-' or '_'.");
            else if (client.Equals(AnonymousClient, StringComparison.OrdinalIgnoreCase) || client.Equals(UnknownClient, StringComparison.OrdinalIgnoreCase))
                failures.Add($"{key}: '{client}' is reserved (it names callers without a key, or with an unknown one); name the client otherwise.");
            if (settings is null)
            {
                failures.Add($"{key} has no settings: Sha256 and Policy are required.");
                continue;
            }

            CheckDigest($"{key}:Sha256", settings.Sha256, required: true, client, digests, failures);
            CheckDigest($"{key}:PreviousSha256", settings.PreviousSha256, required: false, client, digests, failures);
            if (!limits.Value.Policies.ContainsKey(settings.Policy ?? ""))
                failures.Add($"{key}:Policy '{settings.Policy}' is not one of RateLimiting:Policies ({string.Join(", ", limits.Value.Policies.Keys.Order(StringComparer.Ordinal))}).");
            if (settings.Limits is { } clientLimits)
                CheckLimits($"{key}:Limits", clientLimits, failures);
            var scopes = settings.Scopes ?? [];
            for (var i = 0; i < scopes.Length; i++)
            {
                if (!IdentityScopes.All.Contains(scopes[i]))
                    failures.Add($"{key}:Scopes:{i} '{scopes[i]}' is not a scope; known: {string.Join(", ", IdentityScopes.All)}.");
            }
        }

        var anonymous = options.Anonymous?.Scopes ?? [];
        for (var i = 0; i < anonymous.Length; i++)
        {
            if (!IdentityScopes.Anonymous.Contains(anonymous[i]))
                failures.Add($"{Section}:Anonymous:Scopes:{i} '{anonymous[i]}' cannot be given to anonymous callers: only {IdentityScopes.Create} (or nothing) can.");
        }
        if (options.Anonymous?.Limits is { } anonymousLimits)
            CheckLimits($"{Section}:Anonymous:Limits", anonymousLimits, failures);
        return failures;
    }

    /// <summary>The most nights one reservation may cover, whatever a policy says (the API's own rule).</summary>
    public const int MaxNightsPerReservation = 30;

    private static void CheckLimits(string key, HoldLimitsOptions limits, List<string> failures)
    {
        CheckRange($"{key}:MaxActiveHolds", limits.MaxActiveHolds, 1, HoldLimits.MaxValue, failures);
        CheckRange($"{key}:MaxHeldNights", limits.MaxHeldNights, 1, HoldLimits.MaxValue, failures);
        CheckRange($"{key}:MaxNightsPerReservation", limits.MaxNightsPerReservation, 1, MaxNightsPerReservation, failures);
        CheckRange($"{key}:HorizonDays", limits.HorizonDays, 1, 36_500, failures);
        if (limits.HoldTime is { } hold && (hold < TimeSpan.FromSeconds(1) || hold > TimeSpan.FromDays(7)))
            failures.Add($"{key}:HoldTime must be between 00:00:01 and 7.00:00:00.");
    }

    private static void CheckRange(string key, int? value, int min, int max, List<string> failures)
    {
        if (value is { } number && (number < min || number > max))
            failures.Add($"{key} must be between {min} and {max} (or left out for no limit).");
    }

    private static void CheckDigest(string key, string? digest, bool required, string client,
        Dictionary<string, string> digests, List<string> failures)
    {
        if (string.IsNullOrEmpty(digest))
        {
            if (required)
                failures.Add($"{key} is required: the SHA-256 of the client's key, as 64 hex digits.");
            return;
        }
        if (digest.Length != 64 || !digest.All(char.IsAsciiHexDigit))
            failures.Add($"{key} must be 64 hex digits (the SHA-256 of the key).");
        else if (digests.TryGetValue(digest, out var holder))
            failures.Add(holder == client
                ? $"{key} is the same key as the client's other digest."
                : $"{key} is the same key as client '{holder}''s: a key must name one client.");
        else
            digests.Add(digest, client);
    }
}
