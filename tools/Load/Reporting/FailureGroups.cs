using System.Globalization;
using System.Text;
using Platform.Load.Traffic;

namespace Platform.Load.Reporting;

/// <summary>Failures counted by status and problem type (status 0: no answer, the type says why).</summary>
public sealed record FailureGroup(int Status, string ProblemType, int Count);

public static class FailureGroups
{
    public const string None = "(none)";

    public static List<FailureGroup> Of(IEnumerable<RequestRecord> records) =>
        records.Where(r => r.Failed)
            .GroupBy(r => (r.Status, Type: r.ProblemType ?? None))
            .Select(g => new FailureGroup(g.Key.Status, g.Key.Type, g.Count()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Status).ThenBy(g => g.ProblemType, StringComparer.Ordinal)
            .ToList();

    public static string Markdown(IReadOnlyCollection<FailureGroup> groups)
    {
        if (groups.Count == 0)
            return "No failures.\n";
        var text = new StringBuilder("| Status | Problem type | Count |\n| ---: | --- | ---: |\n");
        foreach (var group in groups)
            text.Append(CultureInfo.InvariantCulture, $"| {(group.Status == 0 ? "no answer" : group.Status)} | {group.ProblemType} | {group.Count} |\n");
        return text.ToString();
    }
}
