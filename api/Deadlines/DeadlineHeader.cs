namespace Platform.Api.Deadlines;

/// <summary>
/// <c>X-Request-Deadline</c>: the instant the request's deadline passes, in Unix epoch milliseconds,
/// as plain ASCII digits, sent once.
/// </summary>
public static class DeadlineHeader
{
    public const string Name = "X-Request-Deadline";

    /// <summary>
    /// A deadline this far from the replica's clock, either way, is not a deadline but a unit or clock
    /// error (seconds or microseconds instead of milliseconds, a zero, a sender's clock years off).
    /// Refusing it tells the sender; capping or treating it as passed would hide the bug.
    /// </summary>
    public static readonly TimeSpan Implausible = TimeSpan.FromDays(1);

    // 16 digits reach past the year 2286 (13 digits), so a longer value can only be garbage, and
    // parsing never overflows.
    private const int MaxDigits = 16;

    public enum Reading { Absent, Malformed, Present }

    /// <summary>Reads the header: absent, malformed (reason given), or an instant.</summary>
    public static Reading TryRead(IHeaderDictionary headers, DateTimeOffset now, out DateTimeOffset deadline, out string? problem)
    {
        deadline = default;
        problem = null;
        if (!headers.TryGetValue(Name, out var values))
            return Reading.Absent;
        if (values.Count != 1 || values[0] is not { } text)
        {
            problem = $"{Name} must be sent once.";
            return Reading.Malformed;
        }
        if (text.Length is 0 or > MaxDigits || !text.All(char.IsAsciiDigit))
        {
            problem = $"{Name} must be a Unix time in milliseconds: 1 to {MaxDigits} digits 0-9, nothing else.";
            return Reading.Malformed;
        }
        var milliseconds = long.Parse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        var nowMs = now.ToUnixTimeMilliseconds();
        if (Math.Abs(milliseconds - nowMs) > (long)Implausible.TotalMilliseconds)
        {
            problem = $"{Name} is more than {Implausible.TotalHours:0} hours from this replica's clock; it must be a Unix time in milliseconds.";
            return Reading.Malformed;
        }
        deadline = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return Reading.Present;
    }
}
