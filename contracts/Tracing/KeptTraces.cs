using System.Diagnostics;

namespace Platform.Contracts.Tracing;

/// <summary>
/// Keeps a span the sampler let go, once its outcome shows it matters (a 5xx, a shed, a deadline, a
/// hedge): it is marked recorded and sampled before it ends, so it is exported, and every span it
/// starts from then on (and the next process, through the sampled flag) is kept too. Spans that ended
/// before are gone: the kept trace starts where the trouble was known.
/// </summary>
public static class KeptTraces
{
    /// <summary>Marks <paramref name="activity"/> kept. Returns false when there is nothing to mark (tracing off).</summary>
    public static bool Keep(Activity? activity)
    {
        if (activity is null)
            return false;
        if (!activity.Recorded)
        {
            activity.IsAllDataRequested = true;
            activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }

        return true;
    }

    /// <summary>Whether a request's answer is one whose trace is always kept: a 5xx (a failure, a shed, a deadline).</summary>
    public static bool IsKeptStatus(int status) => status >= 500;
}
