using System.Globalization;
using System.Text;
using Platform.Load.Traffic;

namespace Platform.Load.Reporting;

/// <summary>
/// Per endpoint, how close the run came to a latency ceiling: requests, failures, p99, the slowest
/// request and how many took longer than the ceiling (the slow-fault scenarios' table).
/// </summary>
public static class CeilingTable
{
    public static string Markdown(IReadOnlyCollection<RequestRecord> records, double ceilingMs)
    {
        var text = new StringBuilder($"| Endpoint | Requests | Failures | p99 | Max | Over {EndpointTable.Ms(ceilingMs)} |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var endpoint in EndpointTable.ByEndpoint(records))
        {
            var latencies = endpoint.Select(r => r.LatencyMs).ToList();
            text.Append(CultureInfo.InvariantCulture,
                $"| `{endpoint.Key}` | {latencies.Count} | {endpoint.Count(r => r.Failed)} | {EndpointTable.Ms(Percentiles.Of(latencies).P99)} | {EndpointTable.Ms(latencies.Max())} | {latencies.Count(l => l > ceilingMs)} |\n");
        }

        return text.ToString();
    }
}
