namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>
/// A clock the test sets, forwards or backwards, one tick per microsecond. (FakeTimeProvider
/// refuses to go backwards, which is exactly the case worth testing.)
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    public const long TicksPerSecond = 1_000_000;

    private long _now = 1_000 * TicksPerSecond;

    public override long TimestampFrequency => TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, (long)(by.TotalSeconds * TicksPerSecond));

    public void Set(long timestamp) => Interlocked.Exchange(ref _now, timestamp);
}
