namespace Platform.Observability.Tests.Live;

/// <summary>What <see cref="OverloadScenario"/> saw: every alerts snapshot with its time, and what clients were answered.</summary>
public sealed class OverloadRun
{
    private readonly List<(TimeSpan At, IReadOnlyList<ActiveAlert> Alerts)> _snapshots = [];

    /// <summary>Alerts firing after ordinary traffic, before the overload began (should be none).</summary>
    public IReadOnlyList<ActiveAlert> FiringBeforeOverload { get; set; } = [];

    /// <summary>Transactions seen waiting on the held lock at most (each holds one pooled connection).</summary>
    public int LockWaits { get; set; }

    public TimeSpan ReleasedAt { get; set; }

    /// <summary>Statuses of the creates that waited on the lock (0: no answer).</summary>
    public IReadOnlyList<int> HeldStatuses { get; set; } = [];

    /// <summary>Statuses of the creates that arrived while every pool was full.</summary>
    public IReadOnlyList<int> OverflowStatuses { get; set; } = [];

    public async Task<IReadOnlyList<ActiveAlert>> ObserveAsync(PrometheusApi prometheus, TimeSpan at, CancellationToken cancellation)
    {
        var alerts = await prometheus.AlertsAsync(cancellation);
        _snapshots.Add((at, alerts));
        return alerts;
    }

    /// <summary>Every firing instance of <paramref name="alert"/> seen while the lock was held.</summary>
    public IReadOnlyList<ActiveAlert> FiringWhileHeld(string alert) =>
        _snapshots.Where(snapshot => snapshot.At < ReleasedAt)
            .SelectMany(snapshot => snapshot.Alerts)
            .Where(active => active.Name == alert && active.IsFiring)
            .ToList();

    /// <summary>True when <paramref name="alert"/> was firing at some point after the release.</summary>
    public bool FiringAfterRelease(string alert) =>
        _snapshots.Any(snapshot => snapshot.At >= ReleasedAt && snapshot.Alerts.Any(active => active.Name == alert && active.IsFiring));

    /// <summary>True when the last snapshot no longer lists <paramref name="alert"/> at all (resolved).</summary>
    public bool GoneAtTheEnd(string alert) =>
        _snapshots.Count > 0 && _snapshots[^1].At >= ReleasedAt && _snapshots[^1].Alerts.All(active => active.Name != alert);

    /// <summary>The whole timeline, one line per snapshot, for a failure message.</summary>
    public string Timeline() =>
        string.Join(Environment.NewLine, _snapshots.Select(snapshot =>
            $"{snapshot.At.TotalSeconds,6:0.0}s{(snapshot.At >= ReleasedAt ? " (released)" : "")}: "
            + string.Join(", ", snapshot.Alerts.Select(alert => $"{alert.Name}[{alert.State}]{(alert.Labels.TryGetValue("instance", out var instance) ? "@" + instance : "")}"))));
}
