using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// The buckets' clock: monotonic timestamps from a <see cref="TimeProvider"/>. The system provider
/// is read through <see cref="Stopwatch.GetTimestamp"/> directly, which the JIT inlines, instead of a
/// virtual call per acquire; tests pass a fake provider and get exactly its readings.
/// </summary>
internal sealed class LimiterClock(TimeProvider time)
{
    private readonly bool _system = ReferenceEquals(time, TimeProvider.System);

    public TimeProvider Time { get; } = time;

    public long TicksPerSecond { get; } = time.TimestampFrequency;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Now() => _system ? Stopwatch.GetTimestamp() : Time.GetTimestamp();
}
