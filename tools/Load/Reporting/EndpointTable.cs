using System.Globalization;
using System.Text;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Reporting;

/// <summary>One row of the per-endpoint table.</summary>
public sealed record EndpointRow(string Endpoint, int Requests, int Failures, double P50, double P95, double P99, double Throughput)
{
    public double FailureRate => Requests == 0 ? 0 : (double)Failures / Requests;
}

/// <summary>
/// Requests, failures and latency percentiles (ms, nearest-rank, over every request of the row, answered
/// or not) per endpoint, and a total row; throughput is requests per second of the run's duration.
/// </summary>
public static class EndpointTable
{
    public const string Header = "| Endpoint | Requests | Failures | Failure rate | p50 | p95 | p99 | Throughput (req/s) |";
    public const string Total = "Total";

    public static List<EndpointRow> Rows(IReadOnlyCollection<RequestRecord> records, double durationMs)
    {
        var seconds = Math.Max(durationMs / 1000, 0.001);
        var rows = ByEndpoint(records).Select(g => Row(g.Key, g.ToList(), seconds)).ToList();
        rows.Add(Row(Total, records, seconds));
        return rows;
    }

    /// <summary>The records grouped by endpoint, in table order (<see cref="Endpoints.Order"/>, then any other by name).</summary>
    public static IEnumerable<IGrouping<string, RequestRecord>> ByEndpoint(IEnumerable<RequestRecord> records) =>
        records.GroupBy(r => r.Endpoint)
            .OrderBy(g => Endpoints.Order.ToList() is var order && order.IndexOf(g.Key) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(g => g.Key, StringComparer.Ordinal);

    private static EndpointRow Row(string endpoint, IReadOnlyCollection<RequestRecord> records, double seconds)
    {
        var (p50, p95, p99) = Percentiles.Of(records.Select(r => r.LatencyMs));
        return new EndpointRow(endpoint, records.Count, records.Count(r => r.Failed), p50, p95, p99, records.Count / seconds);
    }

    public static string Markdown(IEnumerable<EndpointRow> rows)
    {
        var text = new StringBuilder(Header).Append('\n').Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var row in rows)
        {
            var name = row.Endpoint == Total ? $"**{Total}**" : $"`{row.Endpoint}`";
            text.Append(CultureInfo.InvariantCulture,
                $"| {name} | {row.Requests} | {row.Failures} | {row.FailureRate:P2} | {Ms(row.P50)} | {Ms(row.P95)} | {Ms(row.P99)} | {row.Throughput:0.0} |\n");
        }

        return text.ToString();
    }

    public static string Ms(double value) =>
        double.IsNaN(value) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} ms");
}
