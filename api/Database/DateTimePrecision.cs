namespace Platform.Api.Database;

public static class DateTimePrecision
{
    /// <summary>
    /// DATETIME(6) keeps microseconds; .NET keeps 100 ns ticks. Truncating before writing makes the
    /// value a client is given at create time equal to the one it reads back later.
    /// </summary>
    public static DateTime TruncateToMicroseconds(this DateTime value) =>
        new(value.Ticks - value.Ticks % (TimeSpan.TicksPerMillisecond / 1000), DateTimeKind.Utc);
}
