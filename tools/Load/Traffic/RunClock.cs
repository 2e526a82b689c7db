using System.Diagnostics;

namespace Platform.Load.Traffic;

/// <summary>Milliseconds since the run started, monotonic; every offset in a report is on this clock.</summary>
public sealed class RunClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public DateTime StartedUtc { get; private set; } = DateTime.UtcNow;

    /// <summary>Starts the run's time over (after the warm-up).</summary>
    public void Restart()
    {
        StartedUtc = DateTime.UtcNow;
        _watch.Restart();
    }

    public double ElapsedMs => _watch.Elapsed.TotalMilliseconds;
}
