using Platform.Load.Workload;

namespace Platform.Load.Scenarios;

/// <summary>How a group's users join: all at once, one by one over a ramp, or in steps.</summary>
public enum Ramp
{
    Constant,
    Linear,
    Steps,
}

/// <summary>
/// Users sending as one client identity (a key of the bench API keys file, or none: anonymous), each one
/// request every <see cref="IntervalMs"/> from its start. Every user has its own phase in the interval
/// (user i of n sends at i/n of it), so arrivals are even across each interval whatever the ramp; the
/// ramp decides in which interval a user first sends: all in the first (constant), one after another
/// over <see cref="RampMs"/> (linear), or <see cref="StepUsers"/> more every <see cref="RampMs"/> (steps).
/// Each turn a user sends one request of <see cref="Sends"/>: the mix unless the group says otherwise.
/// </summary>
public sealed record UserGroup(string Client, int Users, double IntervalMs = 1000, Ramp Ramp = Ramp.Constant,
    double RampMs = 0, int StepUsers = 0, double DelayMs = 0, bool RateLimitExpected = false, RequestKind Sends = RequestKind.Mix)
{
    /// <summary>When user <paramref name="index"/> (0-based) sends its first request, ms after the run starts.</summary>
    public double StartMs(int index)
    {
        var phase = IntervalMs * index / Math.Max(1, Users) % IntervalMs;
        var joins = Ramp switch
        {
            Ramp.Linear => RampMs * index / Math.Max(1, Users),
            Ramp.Steps => Math.Floor((double)index / Math.Max(1, StepUsers)) * RampMs,
            _ => 0,
        };
        return DelayMs + Math.Floor(joins / IntervalMs) * IntervalMs + phase;
    }

    /// <summary>Users started by <paramref name="atMs"/>.</summary>
    public int ActiveAt(double atMs) => Enumerable.Range(0, Users).Count(i => StartMs(i) <= atMs);
}
