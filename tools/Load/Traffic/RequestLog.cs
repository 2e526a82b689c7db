namespace Platform.Load.Traffic;

/// <summary>Every request of a run, in completion order; safe to add to from any thread.</summary>
public sealed class RequestLog
{
    private readonly List<RequestRecord> _records = [];
    private readonly Lock _lock = new();

    public void Add(RequestRecord record)
    {
        lock (_lock)
            _records.Add(record);
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _records.Count;
        }
    }

    /// <summary>The records added since <paramref name="from"/> (an earlier <see cref="Count"/>).</summary>
    public List<RequestRecord> Since(int from)
    {
        lock (_lock)
            return _records.GetRange(from, _records.Count - from);
    }

    public List<RequestRecord> Snapshot() => Since(0);
}
