namespace Platform.Gateway.Identity;

/// <summary>
/// Finds a credential in a query string (<c>api_key</c>, <c>apikey</c>, <c>api-key</c>,
/// <c>x-api-key</c>, <c>access_token</c>, any case, percent-encoded or not) by scanning the raw text:
/// parsing it into a collection would allocate for every request that has a query.
/// </summary>
internal static class QueryStringKeys
{
    private static readonly string[] Names = ["api_key", "apikey", "api-key", "x-api-key", "access_token"];

    private const int ShortestName = 6;

    /// <summary>Every character of the longest name percent-encoded.</summary>
    private const int LongestEncodedName = 12 * 3;

    public static bool ContainsApiKey(ReadOnlySpan<char> query)
    {
        if (query.StartsWith('?'))
            query = query[1..];
        foreach (var range in query.Split('&'))
        {
            var parameter = query[range];
            var equals = parameter.IndexOf('=');
            if (IsKeyName(equals < 0 ? parameter : parameter[..equals]))
                return true;
        }
        return false;
    }

    private static bool IsKeyName(ReadOnlySpan<char> name)
    {
        if (name.Length is < ShortestName or > LongestEncodedName)
            return false;
        if (name.ContainsAny('%', '+'))
        {
            // Rare: only an encoded name pays for decoding it.
            return IsKnown(Uri.UnescapeDataString(name.ToString().Replace('+', ' ')));
        }
        return IsKnown(name);
    }

    private static bool IsKnown(ReadOnlySpan<char> name)
    {
        foreach (var known in Names)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
