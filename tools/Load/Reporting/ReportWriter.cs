using System.Globalization;
using System.Text;
using Platform.Load.Scenarios;
using Platform.Load.Traffic;

namespace Platform.Load.Reporting;

/// <summary>
/// Writes <c>report.md</c>, <c>requests.csv</c>, <c>timeline.csv</c> and <c>timeline.svg</c> (and the
/// report's extra files) into <c>&lt;reports&gt;/&lt;scenario&gt;-&lt;UTC yyyyMMdd-HHmmss&gt;/</c>.
/// </summary>
public static class ReportWriter
{
    public const string RequestsHeader = "scheduled_offset_ms,latency_ms,endpoint,client,status,problem_type,replica";

    public static string Directory(string reportsDir, string scenario, DateTime startedUtc) =>
        Path.Combine(reportsDir, $"{scenario}-{startedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");

    /// <returns>The per-endpoint table in Markdown.</returns>
    public static string Write(string directory, ScenarioPlan scenario, string command, DateTime startedUtc, double durationMs,
        IReadOnlyCollection<RequestRecord> records, Report report, string? gitCommit)
    {
        Platform.Topology.Files.PrivateDirectory.Create(directory);
        var table = EndpointTable.Markdown(EndpointTable.Rows(records, durationMs));
        var timeline = Timeline.Of(records, durationMs);

        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {scenario.Name}{(scenario.IsShort ? " (short)" : "")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- Scenario: `{scenario.Name}`{(scenario.IsShort ? " --short" : "")}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Shape: {scenario.Shape}{(scenario.IsShort && !scenario.TimingsInShape ? " (--short: a tenth of it)" : "")}; ran {durationMs / 1000:0.0} s\n");
        md.Append(CultureInfo.InvariantCulture, $"- Date: {startedUtc:yyyy-MM-dd HH:mm:ss} UTC\n");
        md.Append(CultureInfo.InvariantCulture, $"- Machine: {MachineInfo.Describe()}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Commit: {gitCommit ?? "unknown"}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Command: `{command}`\n\n");
        md.Append(CultureInfo.InvariantCulture, $"## Verdict: {(report.Passed ? "PASSED" : "FAILED")}\n\n");
        foreach (var verdict in report.Verdicts)
            md.Append(verdict.Markdown).Append('\n');
        md.Append("\n## Requests per endpoint\n\n").Append(table);
        md.Append("\nLatency is measured from each request's scheduled send time (open model), in ms; percentiles are exact, " +
                  "nearest-rank (the value at rank ⌈p/100 · n⌉ of the sorted latencies of that row, answered or not). " +
                  "Throughput is requests divided by the run's duration.\n");
        md.Append("\n## Failures by status and problem type\n\n").Append(FailureGroups.Markdown(FailureGroups.Of(records)));
        foreach (var (heading, body) in report.Sections)
            md.Append(CultureInfo.InvariantCulture, $"\n## {heading}\n\n{body}");
        md.Append("\n## Files\n\n- `requests.csv`: one row per request\n- `timeline.csv`, `timeline.svg`: per second (by scheduled send time)\n");
        foreach (var (name, _) in report.Files)
            md.Append(CultureInfo.InvariantCulture, $"- `{name}`\n");

        File.WriteAllText(Path.Combine(directory, "report.md"), md.ToString());
        WriteRequests(Path.Combine(directory, "requests.csv"), records);
        File.WriteAllText(Path.Combine(directory, "timeline.csv"), Timeline.ToCsv(timeline));
        File.WriteAllText(Path.Combine(directory, "timeline.svg"), TimelineSvg.Render($"{scenario.Name}{(scenario.IsShort ? " --short" : "")}", timeline));
        foreach (var (name, content) in report.Files)
            File.WriteAllText(Path.Combine(directory, name), content);
        return table;
    }

    private static void WriteRequests(string path, IReadOnlyCollection<RequestRecord> records)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.Write(RequestsHeader + "\n");
        foreach (var r in records.OrderBy(r => r.ScheduledMs))
        {
            writer.Write(RequestLine(r));
            writer.Write('\n');
        }
    }

    public static string RequestLine(RequestRecord r) => Csv.Line(Csv.Number(r.ScheduledMs), Csv.Number(r.LatencyMs), r.Endpoint, r.Client,
        r.Status.ToString(CultureInfo.InvariantCulture), r.ProblemType, r.Replica);
}
