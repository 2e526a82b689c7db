using System.Diagnostics;

namespace Platform.Gateway.Hedging;

/// <summary>
/// The recent 95th percentile of answer times, from a ring of the last <see cref="Size"/> samples,
/// recomputed every <see cref="Every"/> samples by whichever request completes the round; readers
/// see the last result. Approximate by design: it only sets when to send a hedge.
/// </summary>
public sealed class LatencyQuantile(TimeSpan initial)
{
    private const int Size = 512;
    private const int Every = 128;
    private readonly long[] _ring = new long[Size];
    private long _count;
    private long _p95Ticks = (long)(initial.TotalSeconds * Stopwatch.Frequency);
    private int _computing;

    /// <summary>The estimate, as a <see cref="Stopwatch"/> duration.</summary>
    public TimeSpan P95 => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _p95Ticks));

    public void Add(long stopwatchTicks)
    {
        var n = Interlocked.Increment(ref _count);
        _ring[(n - 1) % Size] = stopwatchTicks;
        if (n % Every == 0 && n >= Size / 2 && Interlocked.Exchange(ref _computing, 1) == 0)
        {
            try
            {
                var samples = new long[Math.Min(n, Size)];
                Array.Copy(_ring, samples, samples.Length);
                Array.Sort(samples);
                Volatile.Write(ref _p95Ticks, samples[(int)(samples.Length * 0.95)]);
            }
            finally
            {
                Volatile.Write(ref _computing, 0);
            }
        }
    }
}
