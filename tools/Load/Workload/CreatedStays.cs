namespace Platform.Load.Workload;

/// <summary>A reservation this run created (answered 201): its code, stay, owner (the bench client that created it) and when.</summary>
public sealed record CreatedStay(string Code, Stay Stay, string Client, double CreatedMs);

/// <summary>
/// Every reservation the run created, in order: the audit checks all of it, overlaps aim at any of
/// it (the nights decide, not the owner), and a client reads only its own (another's code is a 404).
/// </summary>
public sealed class CreatedStays
{
    /// <summary>Overlaps target stays younger than this, well inside the 15-minute hold.</summary>
    public const double OverlapMaxAgeMs = 10 * 60 * 1000;

    private readonly List<CreatedStay> _stays = [];
    private readonly Dictionary<string, List<CreatedStay>> _byClient = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(CreatedStay stay)
    {
        lock (_lock)
        {
            _stays.Add(stay);
            if (!_byClient.TryGetValue(stay.Client, out var own))
                _byClient[stay.Client] = own = [];
            own.Add(stay);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _stays.Count;
        }
    }

    /// <summary>One of <paramref name="client"/>'s own reservations, at random; null before it has any.</summary>
    public CreatedStay? AnyOf(string client)
    {
        lock (_lock)
            return _byClient.TryGetValue(client, out var own) ? own[Random.Shared.Next(own.Count)] : null;
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
