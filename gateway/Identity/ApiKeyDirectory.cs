using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Identity;

/// <summary>
/// The callers: API-key clients found by the SHA-256 of the presented key (configuration holds only
/// digests, so a leaked settings file leaks no key), and the anonymous caller. An immutable
/// <see cref="ClientSnapshot"/>, swapped whole when <c>Identity</c> configuration changes and the
/// change passes validation; a change that fails is refused whole, logged and counted, and the
/// previous clients stay. A lookup hashes on the stack and allocates nothing.
/// </summary>
internal sealed partial class ApiKeyDirectory : IDisposable
{
    /// <summary>Longer keys are refused unhashed: nobody is issued one, and hashing them costs time.</summary>
    public const int MaxKeyLength = 256;

    private readonly IdentityOptionsValidator _validator;
    private readonly PolicySet _policies;
    private readonly IdentityMetrics _metrics;
    private readonly ILogger<ApiKeyDirectory> _logger;
    private readonly IDisposable? _subscription;
    private readonly Lock _reloading = new();
    private volatile ClientSnapshot _current;
    private string? _lastRefused;

    /// <summary>Throws <see cref="OptionsValidationException"/>, naming the keys, when the settings at start-up are invalid.</summary>
    public ApiKeyDirectory(IOptionsMonitor<IdentityOptions> options, IdentityOptionsValidator validator, PolicySet policies,
        IdentityMetrics metrics, ILogger<ApiKeyDirectory> logger)
    {
        _validator = validator;
        _policies = policies;
        _metrics = metrics;
        _logger = logger;
        var initial = options.CurrentValue;
        var result = validator.Validate(Options.DefaultName, initial);
        if (result.Failed)
            throw new OptionsValidationException(Options.DefaultName, typeof(IdentityOptions), result.Failures);
        _current = Build(initial, Fingerprint(initial));
        _subscription = options.OnChange(Reload);
    }

    /// <summary>The clients in force; read once per request, so a request sees one version of them.</summary>
    public ClientSnapshot Current => _current;

    public bool TryFind(string? presentedKey, out Caller client) => _current.TryFind(presentedKey, out client);

    /// <summary>The SHA-256 of a key's UTF-8 bytes, as lower-case hex (what configuration holds).</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>
    /// Applies changed clients if they pass validation. Every configuration reload (a destinations
    /// file's too) re-binds the section, so an unchanged one is ignored, and an invalid one is
    /// logged and counted once, not at every unrelated reload.
    /// </summary>
    internal void Reload(IdentityOptions options)
    {
        try
        {
            Apply(options);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Thrown out of here, it would surface in whichever configuration provider raised the
            // change; the clients in force are kept either way.
            _metrics.CountReload(applied: false);
            LogFailed(error, _current.Count);
        }
    }

    private void Apply(IdentityOptions options)
    {
        var fingerprint = Fingerprint(options);
        lock (_reloading)
        {
            if (fingerprint == _current.Fingerprint || fingerprint == _lastRefused)
                return;
            var failures = _validator.ValidateClients(options);
            if (failures.Count > 0)
            {
                _lastRefused = fingerprint;
                _metrics.CountReload(applied: false);
                LogRefused(_current.Count, string.Join(" ", failures));
                return;
            }
            _lastRefused = null;
            _current = Build(options, fingerprint);
            _metrics.CountReload(applied: true);
            LogApplied(_current.Count, string.Join(", ", options.Clients.Keys.Order(StringComparer.Ordinal)));
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private ClientSnapshot Build(IdentityOptions options, string fingerprint)
    {
        var byDigest = new Dictionary<Digest, Caller>();
        foreach (var (name, client) in options.Clients)
        {
            var caller = new Caller(name, IdentityScopes.Join(client.Scopes), client.Limits?.Format() ?? HoldLimits.None.Format(),
                _policies[client.Policy], _metrics.DenialsOf(name));
            byDigest.Add(Digest.FromHex(client.Sha256), caller);
            if (!string.IsNullOrEmpty(client.PreviousSha256))
                byDigest.Add(Digest.FromHex(client.PreviousSha256), caller);
        }
        var anonymous = new Caller(IdentityOptionsValidator.AnonymousClient, IdentityScopes.Join(options.Anonymous?.EffectiveScopes),
            (options.Anonymous?.Limits ?? new AnonymousOptions().Limits).Format(), policy: null, _metrics.DenialsOf(IdentityOptionsValidator.AnonymousClient));
        return new ClientSnapshot(byDigest.ToFrozenDictionary(), anonymous, options.Clients.Count, fingerprint);
    }

    /// <summary>Everything a snapshot is built from, in a canonical order.</summary>
    private static string Fingerprint(IdentityOptions options)
    {
        var text = new StringBuilder();
        foreach (var (name, client) in options.Clients.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('|').Append(client?.Sha256?.ToUpperInvariant()).Append('|')
                .Append(client?.PreviousSha256?.ToUpperInvariant()).Append('|').Append(client?.Policy).Append('|')
                .AppendJoin(',', client?.Scopes ?? []).Append('|').Append(client?.Limits).Append('\n');
        }
        text.Append("anonymous|").AppendJoin(',', options.Anonymous?.Scopes ?? ["(default)"]).Append('|').Append(options.Anonymous?.Limits);
        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity clients reloaded: {Count} clients ({Clients})")]
    private partial void LogApplied(int count, string clients);

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity clients changed but the change is invalid and was refused; the previous {Count} clients stay in force. {Failures}")]
    private partial void LogRefused(int count, string failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity clients changed but the change could not be applied; the previous {Count} clients stay in force.")]
    private partial void LogFailed(Exception error, int count);

    /// <summary>The callers at one moment: immutable, replaced whole.</summary>
    internal sealed class ClientSnapshot(FrozenDictionary<Digest, Caller> byDigest, Caller anonymous, int count, string fingerprint)
    {
        /// <summary>Callers without a key.</summary>
        public Caller Anonymous { get; } = anonymous;

        /// <summary>Configured clients (a rotating client's two digests count once).</summary>
        public int Count { get; } = count;

        public string Fingerprint { get; } = fingerprint;

        public bool TryFind(string? presentedKey, out Caller client)
        {
            client = default!;
            if (string.IsNullOrEmpty(presentedKey) || presentedKey.Length > MaxKeyLength)
                return false;

            Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
            var length = Encoding.UTF8.GetBytes(presentedKey, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], hash);
            return byDigest.TryGetValue(Digest.From(hash), out client!);
        }
    }

    internal readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public static Digest From(ReadOnlySpan<byte> hash) => new(
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

        public static Digest FromHex(string hex) => From(Convert.FromHexString(hex));
    }
}
