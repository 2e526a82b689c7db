using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// API-key clients, found by the SHA-256 of the presented key: configuration holds only digests, so
/// a leaked settings file leaks no key. Hashing happens on the stack; a lookup allocates nothing.
/// </summary>
internal sealed class ApiKeyDirectory
{
    /// <summary>Longer keys are refused unhashed: nobody is issued one, and hashing them costs time.</summary>
    public const int MaxKeyLength = 256;

    private readonly FrozenDictionary<Digest, ApiClient> _clients;

    public ApiKeyDirectory(IOptions<RateLimitingOptions> options, PolicySet policies)
    {
        _clients = options.Value.ApiKeys
            .OrderBy(client => client.Key, StringComparer.Ordinal)
            .Select((client, index) => (
                Digest: Digest.FromHex(client.Value.Sha256),
                Client: new ApiClient(client.Key, policies[client.Value.Policy], ClientKey.ForApiClient(index))))
            .ToFrozenDictionary(entry => entry.Digest, entry => entry.Client);
    }

    public int Count => _clients.Count;

    public bool TryFind(string? presentedKey, out ApiClient client)
    {
        client = default!;
        if (string.IsNullOrEmpty(presentedKey) || presentedKey.Length > MaxKeyLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
        var length = Encoding.UTF8.GetBytes(presentedKey, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return _clients.TryGetValue(Digest.From(hash), out client!);
    }

    /// <summary>The SHA-256 of a key's UTF-8 bytes, as lower-case hex (what configuration holds).</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public static Digest From(ReadOnlySpan<byte> hash) => new(
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

        public static Digest FromHex(string hex) => From(Convert.FromHexString(hex));
    }
}

/// <summary>A client that presented a known API key: its name (for logs and metrics), tier and bucket key.</summary>
internal sealed record ApiClient(string Name, TokenBucketPolicy Policy, ClientKey Key);
