using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Platform.Api.Observability;

/// <summary>
/// Re-publishes three of MySqlConnector's pool instruments as observable ones with the same names,
/// read at every scrape:
/// <list type="bullet">
/// <item>connections by state and requests waiting for one: MySqlConnector reports them as up-down
/// counters, which prometheus-net drops after a quiet spell and then restarts from zero, so a flat
/// pool would vanish from /metrics or read wrong;</item>
/// <item>pool wait timeouts: MySqlConnector's counter has no series until the first timeout, so
/// Prometheus's increase() would see the first burst of timeouts as the series' starting value and
/// the timeouts alert would miss it. Here every pool reports 0 from its first connection on.</item>
/// </list>
/// Created before the first connection opens, by <see cref="MeterExport"/>.
/// </summary>
public sealed class PoolInstruments : IDisposable
{
    private const string MeterName = "MySqlConnector";
    private const string Usage = "db.client.connections.usage";
    private const string Pending = "db.client.connections.pending_requests";
    private const string Timeouts = "db.client.connections.timeouts";

    private readonly MeterListener _listener = new();
    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<Series, StrongBox<long>> _values = new();
    private readonly ConcurrentDictionary<string, byte> _pools = new();

    public PoolInstruments()
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
        _meter.CreateObservableCounter(Timeouts, ObserveTimeouts, "{timeout}",
            "The number of connection timeouts that have occurred trying to obtain a connection from the pool.");
    }

    /// <summary>True for the MySqlConnector instruments this class stands in for.</summary>
    public static bool Replaces(Instrument instrument) =>
        instrument.Meter.Name == MeterName
        && instrument is UpDownCounter<int> or Counter<int>
        && instrument.Name is Usage or Pending or Timeouts;

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
        pool ??= "";
        _pools.TryAdd(pool, 0);
        var box = _values.GetOrAdd(new Series(instrument.Name, pool, connectionState), _ => new StrongBox<long>());
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
                ? new Measurement<long>(value, PoolTag(series.Pool))
                : new Measurement<long>(value, PoolTag(series.Pool), new KeyValuePair<string, object?>("state", series.State));
        }
    }

    /// <summary>Every pool seen so far, 0 until its first timeout.</summary>
    private IEnumerable<Measurement<long>> ObserveTimeouts()
    {
        foreach (var pool in _pools.Keys)
        {
            var timeouts = _values.TryGetValue(new Series(Timeouts, pool, null), out var box) ? Volatile.Read(ref box.Value) : 0;
            yield return new Measurement<long>(timeouts, PoolTag(pool));
        }
    }

    private static KeyValuePair<string, object?> PoolTag(string pool) => new("pool.name", pool);

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }

    private readonly record struct Series(string Instrument, string Pool, string? State);
}
