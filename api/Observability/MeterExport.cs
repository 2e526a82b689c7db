using Prometheus;

namespace Platform.Api.Observability;

/// <summary>
/// Exports .NET meters (MySqlConnector's pool instruments among them) through prometheus-net,
/// started with the process. prometheus-net's built-in export only starts at the first scrape and
/// misses everything measured before it, so it is switched off and started here instead.
/// Must exist before the first connection opens: <see cref="Database.Databases"/> asks for it.
/// </summary>
public sealed class MeterExport : IDisposable
{
    private readonly IDisposable _adapter;

    public MeterExport(PoolInstruments poolInstruments)
    {
        GC.KeepAlive(poolInstruments); // Listening before the adapter, so no pool change goes uncounted.
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            // prometheus-net forgets a meter series that has not changed for a while, and a forgotten
            // up-down counter comes back counting from zero. PoolInstruments re-publishes the pool's
            // usage, pending and timeout counters as observable instruments (read at every scrape,
            // never stale); the rest keep the longest expiry allowed.
            InstrumentFilterPredicate = instrument => !PoolInstruments.Replaces(instrument),
            MetricsExpireAfter = TimeSpan.FromDays(1),
            ResolveHistogramBuckets = _ => ObservabilitySetup.ConnectionTimeBuckets,
        });
    }

    public void Dispose() => _adapter.Dispose();
}
