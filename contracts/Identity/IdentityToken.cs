using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Platform.Contracts.Http;

namespace Platform.Contracts.Identity;

/// <summary>
/// The identity the gateway asserts to a replica, in the <see cref="PlatformHeaders.ClientIdentity"/> header:
/// <c>v2;{client};{scope,scope};{issued at, Unix ms};{holder};{limits};{HMAC-SHA256, base64url}</c>, the
/// MAC taken over the claims and the request it was issued for (<see cref="SignedRequest"/>: method,
/// path and query, <c>Idempotency-Key</c>, and the body's RFC 9530 <c>Content-Digest</c>), with a key
/// only the gateway and the replicas hold. One definition, in the contracts project that the gateway
/// (signs), the API (verifies), the test harness and the load generator (sign as a stand-in gateway)
/// reference; docs/identity.md is its contract.
/// Written by hand because nothing in the framework proves a header came from a peer without TLS
/// client certificates (measured against in docs/identity.md); the JWT handlers would add a
/// dependency and a base64 JSON parse per request for a token that never leaves our network.
/// </summary>
public static class IdentityToken
{
    public const string Version = "v2";

    /// <summary>A longer header is refused unread.</summary>
    public const int MaxLength = 1024;

    /// <summary>Signing keys shorter than this are refused at start-up (HMAC-SHA256's block is 64 bytes; 32 is its strength).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>The most a header may be dated ahead of the verifier's clock (clocks a little apart), in ms.</summary>
    public const long MaxFutureSkewMs = 2_000;

    private const int MacBytes = HMACSHA256.HashSizeInBytes;
    private static readonly int EncodedMacLength = Base64Url.GetEncodedLength(MacBytes);

    /// <summary>An anonymous holder: '.' (never in a client name) and 16 bytes of a keyed hash, base64url.</summary>
    private const int HolderHashBytes = 16;
    private static readonly int AnonymousHolderLength = 1 + Base64Url.GetEncodedLength(HolderHashBytes);

    public static string Sign(ReadOnlySpan<byte> key, IdentityClaims claims, long issuedAtMs, SignedRequest request)
    {
        // The whole header is written into one stack buffer and becomes one string: the claims, then
        // the MAC over them, as base64url (a proxied request signs once; this keeps it to one allocation).
        var length = Version.Length + claims.Client.Length + claims.Scopes.Length + claims.Holder.Length + claims.Limits.Length
                     + 20 + 6 + EncodedMacLength;
        var rented = length <= 512 ? null : ArrayPool<char>.Shared.Rent(length);
        Span<char> token = rented ?? stackalloc char[512];
        if (!token.TryWrite(CultureInfo.InvariantCulture,
                $"{Version};{claims.Client};{claims.Scopes};{issuedAtMs};{claims.Holder};{claims.Limits};", out var written))
            throw new InvalidOperationException("The identity token's buffer is too small.");
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(key, token[..(written - 1)], request, mac);
        written += Base64Url.EncodeToChars(mac, token[written..]);
        var result = new string(token[..written]);
        if (rented is not null)
            ArrayPool<char>.Shared.Return(rented);
        return result;
    }

    /// <summary>
    /// True when <paramref name="token"/> is well formed, signed with <paramref name="key"/> for this
    /// request, issued at most <paramref name="maxAgeMs"/> before <paramref name="nowMs"/> and at most
    /// <paramref name="maxFutureMs"/> after it. The MAC is compared in constant time.
    /// </summary>
    public static bool TryVerify(ReadOnlySpan<byte> key, string? token, SignedRequest request, long nowMs, long maxAgeMs, long maxFutureMs,
        out IdentityClaims claims, out HoldLimits limits)
    {
        claims = default;
        limits = HoldLimits.None;
        if (token is null || token.Length > MaxLength)
            return false;

        // v2 ; client ; scopes ; issued ; holder ; limits ; mac: exactly six separators.
        Span<Range> parts = stackalloc Range[8];
        if (token.AsSpan().Split(parts, ';') != 7)
            return false;
        var span = token.AsSpan();
        if (!span[parts[0]].SequenceEqual(Version)
            || !IsClientName(span[parts[1]])
            || !long.TryParse(span[parts[3]], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedAtMs)
            || nowMs - issuedAtMs > maxAgeMs
            || issuedAtMs - nowMs > maxFutureMs
            || !IsHolder(span[parts[4]])
            || !HoldLimits.TryParse(span[parts[5]], out var parsed)
            || span[parts[6]].Length != EncodedMacLength)
            return false;

        Span<byte> presented = stackalloc byte[MacBytes + 2];
        if (Base64Url.DecodeFromChars(span[parts[6]], presented, out _, out var written) != OperationStatus.Done || written != MacBytes)
            return false;
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(key, span[..(parts[6].Start.GetOffset(token.Length) - 1)], request, expected);
        if (!CryptographicOperations.FixedTimeEquals(presented[..MacBytes], expected))
            return false;

        claims = new IdentityClaims(token[parts[1]], token[parts[2]], token[parts[4]], token[parts[5]]);
        limits = parsed;
        return true;
    }

    /// <summary>RFC 9530 <c>Content-Digest</c> of a body: <c>sha-256=:{base64 of its SHA-256}:</c>.</summary>
    public static string ContentDigest(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return $"sha-256=:{Convert.ToBase64String(hash)}:";
    }

    /// <summary>
    /// The holder an anonymous caller's quotas are counted under: a keyed hash of its address key (the
    /// rate limiter's, an IPv4 address or an IPv6 /64), so no address is stored and every gateway that
    /// holds the signing key names the same address the same way.
    /// </summary>
    public static string AnonymousHolder(ReadOnlySpan<byte> key, ReadOnlySpan<byte> addressKey)
    {
        Span<byte> input = stackalloc byte[7 + addressKey.Length];
        "holder\n"u8.CopyTo(input);
        addressKey.CopyTo(input[7..]);
        Span<byte> hash = stackalloc byte[MacBytes];
        HMACSHA256.HashData(key, input, hash);
        return "." + Base64Url.EncodeToString(hash[..HolderHashBytes]);
    }

    /// <summary>Empty (nobody counted), a client name, or an anonymous holder.</summary>
    public static bool IsHolder(ReadOnlySpan<char> holder) =>
        holder.IsEmpty
        || IsClientName(holder)
        || (holder.Length == AnonymousHolderLength && holder[0] == '.' && !holder[1..].ContainsAnyExcept(ClientNameChars));

    /// <summary>
    /// Reads a signing key file (base64 of at least <see cref="MinKeyBytes"/> bytes), as the gateway,
    /// the replicas and the tools that sign for them all do. On failure <paramref name="problem"/> says
    /// why, naming the file and never showing its content; the caller prefixes the setting's name.
    /// </summary>
    public static bool TryReadKeyFile(string path, out byte[] key, out string problem)
    {
        key = [];
        problem = "";
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"{path} cannot be read ({error.GetType().Name}: {error.Message}).";
            return false;
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            problem = $"{path} does not hold base64.";
            return false;
        }
        if (decoded.Length < MinKeyBytes)
        {
            problem = $"the key in {path} is {decoded.Length} bytes; at least {MinKeyBytes} random bytes are required.";
            return false;
        }
        key = decoded;
        return true;
    }

    /// <summary>Client names: 1-64 of <c>[A-Za-z0-9_-]</c>, so a name never holds a separator.</summary>
    public static bool IsClientName(ReadOnlySpan<char> name) =>
        name.Length is >= 1 and <= 64 && !name.ContainsAnyExcept(ClientNameChars);

    private static readonly SearchValues<char> ClientNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<char> claims, SignedRequest request, Span<byte> mac)
    {
        // claims \n METHOD \n path?query \n Idempotency-Key \n Content-Digest: a newline cannot occur
        // in any of them (Kestrel refuses it in a request line and in header values), so no two
        // different requests share a MAC input. An absent key or digest is empty.
        var idempotencyKey = request.IdempotencyKey ?? "";
        var digest = request.ContentDigest ?? "";
        var length = Encoding.UTF8.GetMaxByteCount(claims.Length + request.Method.Length + request.PathAndQuery.Length
                                                   + idempotencyKey.Length + digest.Length + 4);
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> input = rented ?? stackalloc byte[1024];
        var written = Encoding.UTF8.GetBytes(claims, input);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(request.Method, input[written..]);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(request.PathAndQuery, input[written..]);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(idempotencyKey, input[written..]);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(digest, input[written..]);
        var hmac = KeyedMac(key);
        hmac.AppendData(input[..written]);
        hmac.GetHashAndReset(mac);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }

    // A keyed HMAC context per thread, reset after each use: the one-shot HMACSHA256.HashData sets the
    // key up in OpenSSL on every call, which was two thirds of its cost (BENCHMARKS.md, Identity
    // checks: 2,791 ns one-shot, 943 ns kept and reset). A process has one signing key, so the
    // context is made again only if a caller passes another one.
    [ThreadStatic] private static IncrementalHash? t_mac;
    [ThreadStatic] private static byte[]? t_macKey;

    private static IncrementalHash KeyedMac(ReadOnlySpan<byte> key)
    {
        if (t_mac is { } kept && key.SequenceEqual(t_macKey))
            return kept;
        t_mac?.Dispose();
        t_macKey = key.ToArray();
        return t_mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }
}
