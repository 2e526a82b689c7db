using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology.Files;

namespace Platform.Load.Reporting;

/// <summary>A section per client (its endpoint table and failures), for the runs whose clients differ.</summary>
public static class ClientTables
{
    public static void Add(RunResult result, Report report)
    {
        foreach (var client in result.Records.Select(r => r.Client).Distinct().Order(StringComparer.Ordinal))
        {
            var own = result.Records.Where(r => r.Client == client).ToList();
            report.Sections.Add(($"Client {client}", EndpointTable.Markdown(EndpointTable.Rows(own, result.DurationMs)) + "\n" + FailureGroups.Markdown(FailureGroups.Of(own))));
        }
    }

    /// <summary>The requests of the calm clients (calm1-calm3), whose latency the noisy and flood scenarios judge.</summary>
    public static List<RequestRecord> Calm(IEnumerable<RequestRecord> records) =>
        records.Where(r => BenchClients.CalmClients.Contains(r.Client, StringComparer.Ordinal)).ToList();
}
