using System.Text.RegularExpressions;
using Platform.Contracts.Http;

namespace Platform.Api.Reservations;

/// <summary>The optional <c>Idempotency-Key</c> request header: 1-64 of [A-Za-z0-9_-].</summary>
public static partial class IdempotencyKey
{
    /// <summary>False when the header is present but malformed (or repeated); a missing header is valid and null.</summary>
    public static bool TryRead(HttpRequest request, out string? key)
    {
        key = null;
        if (!request.Headers.TryGetValue(PlatformHeaders.IdempotencyKey, out var values))
            return true;
        if (values.Count != 1 || values[0] is not { } value || !Shape().IsMatch(value))
            return false;
        key = value;
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
