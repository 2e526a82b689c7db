using System.Text;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Load.Faults;

/// <summary>The gateway during the flood at one moment: its rate limiter's partitions and overflows so far, and its resident memory.</summary>
public sealed record FloodSample(double AtMs, double? Partitions, double? Overflow, long? RssKib);

/// <summary>Each second: the gateway's RSS, and its partitions and overflow from one scrape of its metrics.</summary>
public sealed class FloodSampler(MetricsEndpoint gateway, ProcessTable processes, RunClock clock)
{
    /// <summary>The address partitions, the ones RateLimiting:MaxPartitions caps (keyed clients are not counted against it).</summary>
    public const string Partitions = "gateway_ratelimit_address_partitions";
    public const string Overflow = "gateway_ratelimit_partition_overflow_total";

    public List<FloodSample> Samples { get; } = [];

    public Task RunAsync(CancellationToken stop) => Sampling.EveryAsync(TimeSpan.FromSeconds(1), async () =>
    {
        var rss = processes.RunningPid(ProcessNames.Gateway) is { } pid ? ProcessTable.ResidentKib(pid) : null;
        var page = await gateway.ScrapeAsync();
        double? Read(string metric) => page is null ? null : MetricsEndpoint.Parse(page, metric);
        lock (Samples)
            Samples.Add(new FloodSample(clock.ElapsedMs, Read(Partitions), Read(Overflow), rss));
    }, stop);

    public string ToCsv()
    {
        var text = new StringBuilder("offset_s,gateway_rss_mib,ratelimit_partitions,partition_overflow_total\n");
        foreach (var s in Samples)
            text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), s.RssKib is { } k ? Csv.Number(k / 1024.0) : "", s.Partitions is { } p ? Csv.Number(p) : "", s.Overflow is { } o ? Csv.Number(o) : "")).Append('\n');
        return text.ToString();
    }
}
