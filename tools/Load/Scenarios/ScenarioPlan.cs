namespace Platform.Load.Scenarios;

/// <summary>
/// What a scenario sends and when: its users, how long it sends, and the timings of what else happens (a
/// fault at <see cref="FaultAtMs"/> held for <see cref="FaultHoldMs"/>, the stress window, memory
/// sampling). <see cref="WarmUpMs"/> of unrecorded traffic comes before it. <see cref="TimingsInShape"/>:
/// the shape gives this run's own timings (short or not) rather than the full run's.
/// </summary>
public sealed record ScenarioPlan(
    string Name,
    string Shape,
    double DurationMs,
    IReadOnlyList<UserGroup> Groups,
    bool IsShort = false,
    double FaultAtMs = 0,
    double FaultHoldMs = 0,
    double WindowMs = 10_000,
    int ClosedLoopClients = 0,
    double SampleEveryMs = 10_000,
    double WarmUpMs = 10_000,
    bool TimingsInShape = false)
{
    public int PeakUsers => Groups.Sum(g => g.Users) + ClosedLoopClients;
}
