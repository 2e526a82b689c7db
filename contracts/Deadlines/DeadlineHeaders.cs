using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Platform.Contracts.Http;

namespace Platform.Contracts.Deadlines;

/// <summary>
/// The two deadline headers of docs/deadlines.md, read and written: the client's wish
/// (<see cref="PlatformHeaders.RequestTimeoutMs"/>, read by the gateway) and the instant the gateway
/// tells a replica (<see cref="PlatformHeaders.RequestDeadline"/>: Unix epoch milliseconds, plain
/// ASCII digits, sent once; written by the gateway, read by the replica).
/// </summary>
public static class DeadlineHeaders
{
    /// <summary>The longest deadline a client may ask for in <see cref="PlatformHeaders.RequestTimeoutMs"/>.</summary>
    public const int MaxClientTimeoutMs = 600_000;

    /// <summary>
    /// A deadline this far from the replica's clock, either way, is not a deadline but a unit or clock
    /// error (seconds or microseconds instead of milliseconds, a zero, a sender's clock years off).
    /// Refusing it tells the sender; capping or treating it as passed would hide the bug.
    /// </summary>
    public static readonly TimeSpan Implausible = TimeSpan.FromDays(1);

    // 16 digits reach past the year 2286 (13 digits), so a longer value can only be garbage, and
    // parsing never overflows.
    private const int MaxDeadlineDigits = 16;

    public enum Reading { Absent, Malformed, Present }

    /// <summary>The deadline header's value for an instant.</summary>
    public static string FormatDeadline(DateTimeOffset deadline) =>
        deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the deadline header: absent, malformed (reason given), or an instant.</summary>
    public static Reading TryReadDeadline(IHeaderDictionary headers, DateTimeOffset now, out DateTimeOffset deadline, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(headers);
        const string name = PlatformHeaders.RequestDeadline;
        deadline = default;
        problem = null;
        if (!headers.TryGetValue(name, out var values))
            return Reading.Absent;
        if (values.Count != 1 || values[0] is not { } text)
        {
            problem = $"{name} must be sent once.";
            return Reading.Malformed;
        }
        if (text.Length is 0 or > MaxDeadlineDigits || !text.All(char.IsAsciiDigit))
        {
            problem = $"{name} must be a Unix time in milliseconds: 1 to {MaxDeadlineDigits} digits 0-9, nothing else.";
            return Reading.Malformed;
        }
        var milliseconds = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        var nowMs = now.ToUnixTimeMilliseconds();
        if (Math.Abs(milliseconds - nowMs) > (long)Implausible.TotalMilliseconds)
        {
            problem = $"{name} is more than {Implausible.TotalHours:0} hours from this replica's clock; it must be a Unix time in milliseconds.";
            return Reading.Malformed;
        }
        deadline = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return Reading.Present;
    }

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
}
