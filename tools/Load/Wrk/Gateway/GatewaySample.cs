using System.Globalization;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// One measured run of one configuration: req/s, p50, p99 from its BENCH line, the proxy's CPU per request,
/// non-2xx, statuses, socket errors and timeouts, and the bytes the proxy allocated per request ("-" when not counted).
/// </summary>
public sealed record GatewaySample(double Rps, double P50, double P99, double CpuUs, long Non2xx, string Statuses, long Errors, double? Allocated)
{
    public static GatewaySample From(BenchLine line, double cpuUs, double? allocated) => new(
        line.Number("rps"), line.Number("p50_ms"), line.Number("p99_ms"), Math.Round(cpuUs, 1),
        (long)line.Number("non2xx"), line.Field("statuses") ?? "-",
        (long)(line.Number("socket_errors") + line.Number("timeouts")), allocated);

    /// <summary>
    /// The bytes allocated per request from dotnet-counters' CSV: each row of dotnet.gc.heap.total_allocated
    /// is one second's allocations, so their sum over the run divided by its requests.
    /// </summary>
    public static double AllocatedPerRequest(string countersCsv, double requests)
    {
        var total = countersCsv.ReplaceLineEndings("\n").Split('\n')
            .Select(row => row.Split(','))
            .Where(fields => fields.Length >= 3 && fields[2].Contains("dotnet.gc.heap.total_allocated", StringComparison.Ordinal))
            .Sum(fields => double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0);
        return requests > 0 ? Math.Round(total / requests) : 0;
    }
}
