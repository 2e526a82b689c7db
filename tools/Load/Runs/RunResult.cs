using Platform.Load.Traffic;

namespace Platform.Load.Runs;

/// <summary>What the traffic of a run came to: its requests, and how long it sent (shorter than planned when stopped).</summary>
public sealed record RunResult(IReadOnlyList<RequestRecord> Records, double DurationMs)
{
    public int Failures => Records.Count(r => r.Failed);
}
