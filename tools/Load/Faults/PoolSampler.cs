using System.Text;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Faults;

/// <summary>
/// Samples every replica's request pool (pool name = replica id, <c>api-N</c>) from its management port
/// while the pool-exhaustion burst runs, so the verdict can show the pool really was exhausted.
/// </summary>
public sealed class PoolSampler(IReadOnlyList<(string Replica, Uri Metrics)> replicas, RunClock clock) : IDisposable
{
    private const string Metric = "mysqlconnector_db_client_connections_";
    private readonly List<(string Replica, MetricsEndpoint Endpoint)> _endpoints = replicas.Select(r => (r.Replica, new MetricsEndpoint(r.Metrics))).ToList();

    public List<PoolSample> Samples { get; } = [];

    public Task RunAsync(TimeSpan every, CancellationToken stop) => Sampling.EveryAsync(every, async () =>
    {
        var pages = await Task.WhenAll(_endpoints.Select(e => e.Endpoint.ScrapeAsync()));
        lock (Samples)
            Samples.AddRange(_endpoints.Select((e, i) => Parse(clock.ElapsedMs, e.Replica, pages[i])));
    }, stop);

    public static PoolSample Parse(double atMs, string replica, string? page)
    {
        var pool = $"{{pool_name=\"{replica}\"}}";
        double? Read(string name, string labels) => page is null ? null : MetricsEndpoint.Parse(page, Metric + name, labels);
        return new PoolSample(atMs, replica, Read("usage", $"{{pool_name=\"{replica}\",state=\"used\"}}"), Read("max", pool),
            Read("pending_requests", pool), Read("timeouts", pool));
    }

    public string ToCsv()
    {
        static string N(double? v) => v is { } x ? Csv.Number(x) : "";
        var text = new StringBuilder("offset_s,replica,used,max,pending,timeouts_total\n");
        foreach (var s in Samples)
            text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), s.Replica, N(s.Used), N(s.Max), N(s.Pending), N(s.Timeouts))).Append('\n');
        return text.ToString();
    }

    public void Dispose()
    {
        foreach (var (_, endpoint) in _endpoints)
            endpoint.Dispose();
    }
}
