using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// The identity token as it was before v2 (bound to method and path only; contracts/Identity/IdentityToken.cs
/// at the commit before v2), kept here only so that <see cref="IdentityBenchmarks"/> prices v2 against
/// it in the same run. Nothing else uses it.
/// </summary>
internal static class IdentityTokenV1
{
    private const string Version = "v1";

    private const int MaxLength = 1024;

    private const int MacBytes = HMACSHA256.HashSizeInBytes;
    private static readonly int EncodedMacLength = Base64Url.GetEncodedLength(MacBytes);

    public static string Sign(ReadOnlySpan<byte> key, string client, string scopes, long issuedAtMs, string method, string pathAndQuery)
    {
        // The whole header is written into one stack buffer and becomes one string: the claims, then
        // the MAC over them, as base64url (a proxied request signs once; this keeps it to one allocation).
        var length = Version.Length + client.Length + scopes.Length + 20 + 4 + EncodedMacLength;
        var rented = length <= 512 ? null : ArrayPool<char>.Shared.Rent(length);
        Span<char> token = rented ?? stackalloc char[512];
        if (!token.TryWrite(CultureInfo.InvariantCulture, $"{Version};{client};{scopes};{issuedAtMs};", out var written))
            throw new InvalidOperationException("The identity token's buffer is too small.");
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(key, token[..(written - 1)], method, pathAndQuery, mac);
        written += Base64Url.EncodeToChars(mac, token[written..]);
        var result = new string(token[..written]);
        if (rented is not null)
            ArrayPool<char>.Shared.Return(rented);
        return result;
    }

    /// <summary>
    /// True when <paramref name="token"/> is well formed, signed with <paramref name="key"/> for this
    /// method and path, and issued within <paramref name="maxAgeMs"/> of <paramref name="nowMs"/> (either
    /// side, for clocks a little apart). The MAC is compared in constant time.
    /// </summary>
    public static bool TryVerify(ReadOnlySpan<byte> key, string? token, string method, string pathAndQuery, long nowMs, long maxAgeMs,
        out string client, out string scopes)
    {
        client = scopes = "";
        if (token is null || token.Length > MaxLength)
            return false;

        // v1 ; client ; scopes ; issued ; mac: exactly four separators.
        Span<Range> parts = stackalloc Range[6];
        if (token.AsSpan().Split(parts, ';') != 5)
            return false;
        var span = token.AsSpan();
        if (!span[parts[0]].SequenceEqual(Version)
            || !IsClientName(span[parts[1]])
            || !long.TryParse(span[parts[3]], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedAtMs)
            || Math.Abs(nowMs - issuedAtMs) > maxAgeMs
            || span[parts[4]].Length != EncodedMacLength)
            return false;

        Span<byte> presented = stackalloc byte[MacBytes + 2];
        if (Base64Url.DecodeFromChars(span[parts[4]], presented, out _, out var written) != OperationStatus.Done || written != MacBytes)
            return false;
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(key, span[..(parts[4].Start.GetOffset(token.Length) - 1)], method, pathAndQuery, expected);
        if (!CryptographicOperations.FixedTimeEquals(presented[..MacBytes], expected))
            return false;

        client = token[parts[1]];
        scopes = token[parts[2]];
        return true;
    }

    /// <summary>Client names: 1-64 of <c>[A-Za-z0-9_-]</c>, so a name never holds a separator.</summary>
    public static bool IsClientName(ReadOnlySpan<char> name) =>
        name.Length is >= 1 and <= 64 && !name.ContainsAnyExcept(ClientNameChars);

    private static readonly SearchValues<char> ClientNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<char> claims, string method, string pathAndQuery, Span<byte> mac)
    {
        // claims \n METHOD \n path?query: a newline cannot occur in any of them (Kestrel refuses it in
        // a request line), so no two different requests share a MAC input.
        var length = Encoding.UTF8.GetMaxByteCount(claims.Length + method.Length + pathAndQuery.Length + 2);
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> input = rented ?? stackalloc byte[1024];
        var written = Encoding.UTF8.GetBytes(claims, input);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(method, input[written..]);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(pathAndQuery, input[written..]);
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
