namespace Platform.Load.Workload;

/// <summary>A reservation this run created (answered 201), with when.</summary>
public sealed record CreatedStay(string Code, Stay Stay, double CreatedMs);

/// <summary>Every reservation the run created, in order: reads pick from it, and the audit checks all of it.</summary>
public sealed class CreatedStays
{
    /// <summary>Overlaps target stays younger than this, well inside the 15-minute hold.</summary>
    public const double OverlapMaxAgeMs = 10 * 60 * 1000;

    private readonly List<CreatedStay> _stays = [];
    private readonly Lock _lock = new();

    public void Add(CreatedStay stay)
    {
        lock (_lock)
            _stays.Add(stay);
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _stays.Count;
        }
    }

    public CreatedStay? Any()
    {
        lock (_lock)
            return _stays.Count == 0 ? null : _stays[Random.Shared.Next(_stays.Count)];
    }

    /// <summary>A stay created in the last <see cref="OverlapMaxAgeMs"/>, if any.</summary>
    public CreatedStay? Recent(double nowMs)
    {
        lock (_lock)
        {
            if (_stays.Count == 0)
                return null;
            var window = Math.Min(_stays.Count, 2_000);
            var stay = _stays[_stays.Count - 1 - Random.Shared.Next(window)];
            return nowMs - stay.CreatedMs <= OverlapMaxAgeMs ? stay : null;
        }
    }

    public List<string> Codes()
    {
        lock (_lock)
            return _stays.Select(s => s.Code).ToList();
    }
}
