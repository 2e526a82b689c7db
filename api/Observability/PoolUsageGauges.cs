using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Platform.Api.Observability;

/// <summary>
/// Re-publishes MySqlConnector's pool counters (connections by state, requests waiting for one) as
/// observable instruments with the same names. MySqlConnector reports them as up-down counters,
/// which prometheus-net drops after a quiet spell and then restarts from zero, so a flat pool
/// would vanish from /metrics or read wrong. Observed instruments are read at every scrape.
/// Created before the first connection opens, by <see cref="MeterExport"/>.
/// </summary>
public sealed class PoolUsageGauges : IDisposable
{
    private const string MeterName = "MySqlConnector";
    private const string Usage = "db.client.connections.usage";
    private const string Pending = "db.client.connections.pending_requests";

    private readonly MeterListener _listener = new();
    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<Series, StrongBox<long>> _values = new();

    public PoolUsageGauges()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Replaces(instrument))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>(OnMeasurement);
        _listener.Start();

        _meter.CreateObservableUpDownCounter(Usage, () => Observe(Usage), "{connection}",
            "The number of connections that are currently in the state described by the state tag.");
        _meter.CreateObservableUpDownCounter(Pending, () => Observe(Pending), "{request}",
            "The number of pending requests for an open connection, cumulative for the entire pool.");
    }

    /// <summary>True for the two MySqlConnector up-down counters this class stands in for.</summary>
    public static bool Replaces(Instrument instrument) =>
        instrument.Meter.Name == MeterName
        && instrument is UpDownCounter<int>
        && instrument.Name is Usage or Pending;

    private void OnMeasurement(Instrument instrument, int delta, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? pool = null, connectionState = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "pool.name")
                pool = tag.Value?.ToString();
            else if (tag.Key == "state")
                connectionState = tag.Value?.ToString();
        }
        var box = _values.GetOrAdd(new Series(instrument.Name, pool ?? "", connectionState), _ => new StrongBox<long>());
        Interlocked.Add(ref box.Value, delta);
    }

    private IEnumerable<Measurement<long>> Observe(string instrument)
    {
        foreach (var (series, box) in _values)
        {
            if (series.Instrument != instrument)
                continue;
            var value = Volatile.Read(ref box.Value);
            yield return series.State is null
                ? new Measurement<long>(value, new KeyValuePair<string, object?>("pool.name", series.Pool))
                : new Measurement<long>(value,
                    new KeyValuePair<string, object?>("pool.name", series.Pool),
                    new KeyValuePair<string, object?>("state", series.State));
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }

    private readonly record struct Series(string Instrument, string Pool, string? State);
}
