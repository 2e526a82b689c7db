using System.Security.Cryptography;

namespace Platform.Api.Reservations;

/// <summary>Reservation codes: 8 random characters of Crockford's base32 (40 bits).</summary>
public static class ReservationCode
{
    public const int Length = 8;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>
    /// Reads a code the way Crockford intended people to type it: any case, O as 0, I and L as 1,
    /// hyphens ignored. False for anything that cannot be a code, so lookups skip the database.
    /// </summary>
    public static bool TryNormalize(string? input, out string code)
    {
        code = "";
        if (string.IsNullOrEmpty(input) || input.Length > 2 * Length)
            return false;
        Span<char> buffer = stackalloc char[Length];
        var count = 0;
        foreach (var raw in input)
        {
            if (raw == '-')
                continue;
            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (count == Length || !Alphabet.Contains(c, StringComparison.Ordinal))
                return false;
            buffer[count++] = c;
        }
        if (count != Length)
            return false;
        code = new string(buffer);
        return true;
    }
}
