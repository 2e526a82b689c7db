using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Platform.Gateway.Deadlines;

/// <summary>The two deadline headers of docs/deadlines.md: the client's wish, and what the gateway tells a replica.</summary>
public static class DeadlineHeaders
{
    /// <summary>A client's own, shorter deadline: whole milliseconds, 1 to <see cref="MaxClientTimeoutMs"/>.</summary>
    public const string ClientTimeout = "X-Request-Timeout-Ms";

    /// <summary>The instant the request's deadline passes, in Unix epoch milliseconds; always set by the gateway.</summary>
    public const string Deadline = "X-Request-Deadline";

    public const int MaxClientTimeoutMs = 600_000;

    /// <summary>
    /// Reads the client's timeout. Absent is fine (null); anything but one plain decimal number in range
    /// is refused, so a typo never silently means "no deadline of my own".
    /// </summary>
    public static bool TryReadClientTimeout(StringValues values, out TimeSpan? timeout)
    {
        timeout = null;
        if (values.Count == 0)
            return true;
        if (values.Count > 1 || values[0] is not { Length: > 0 and <= 6 } text)
            return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        var ms = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (ms is < 1 or > MaxClientTimeoutMs)
            return false;
        timeout = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static string Format(DateTimeOffset deadline) =>
        deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
