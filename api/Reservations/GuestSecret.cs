using System.Buffers.Text;
using System.Security.Cryptography;
using Platform.Contracts.Http;

namespace Platform.Api.Reservations;

/// <summary>
/// The secret an anonymous guest gets once, in its create's 201, and shows in
/// <c>X-Reservation-Secret</c> to read, confirm or cancel that reservation. Only its SHA-256 is stored.
/// </summary>
public static class GuestSecret
{
    private const int Bytes = 32;

    /// <summary>A new secret (32 random bytes, base64url) and the hash to store for it.</summary>
    public static (string Secret, byte[] Hash) New()
    {
        Span<byte> secret = stackalloc byte[Bytes];
        RandomNumberGenerator.Fill(secret);
        return (Base64Url.EncodeToString(secret), SHA256.HashData(secret));
    }

    /// <summary>What the request shows.</summary>
    public enum Presented { Absent, Unusable, Usable }

    /// <summary>
    /// Reads the header's value as minimal APIs bind it (a repeated header arrives joined with ','):
    /// absent, unusable (not 32 bytes in base64url: it cannot match any reservation) or the hash of
    /// the presented secret.
    /// </summary>
    public static Presented TryRead(string? header, out byte[] hash)
    {
        hash = [];
        if (header is null)
            return Presented.Absent;
        Span<byte> secret = stackalloc byte[Bytes + 3];
        // DecodeFromChars reports bad input as a status; TryDecodeFromChars throws FormatException on
        // a character outside base64url (a 500 for a garbled header, found by the hostile-request table).
        if (header.Length is 0 or > 64
            || Base64Url.DecodeFromChars(header, secret, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != Bytes)
            return Presented.Unusable;
        hash = SHA256.HashData(secret[..Bytes]);
        return Presented.Usable;
    }

    /// <summary>
    /// Whether the stored hash is the presented one, compared in constant time: how long the
    /// comparison took tells nothing about how many leading bytes matched.
    /// </summary>
    public static bool Matches(byte[]? stored, byte[] presented) =>
        stored is { Length: SHA256.HashSizeInBytes }
        && presented.Length == SHA256.HashSizeInBytes
        && CryptographicOperations.FixedTimeEquals(stored, presented);
}
