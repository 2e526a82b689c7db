using System.Globalization;
using System.Xml.Linq;

namespace Platform.Cli.TestRuns;

/// <summary>
/// The suite's time budget, per test project, and where each run stands against it (docs/operating.md,
/// "The suite's time budget"). Said, not enforced: these machines are noisy, and speed is judged in
/// the bench, never by a timed test; a project over its budget is named so that whoever adds to it
/// makes room first.
/// </summary>
public static class SuiteBudget
{
    /// <summary>All of <c>./platform test</c>, the build included: well under CI's limit.</summary>
    public static readonly TimeSpan Total = TimeSpan.FromMinutes(15);

    /// <summary>Each project's share, by assembly name; together with about 1.5 minutes of build, <see cref="Total"/>.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> Projects = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
    {
        ["Platform.Api.Tests"] = TimeSpan.FromMinutes(2.5),
        ["Platform.Gateway.Tests"] = TimeSpan.FromMinutes(3.5),
        ["Platform.Load.Tests"] = TimeSpan.FromMinutes(5.5),
        ["Platform.Observability.Tests"] = TimeSpan.FromMinutes(1),
        ["Platform.Deployment.Tests"] = TimeSpan.FromMinutes(1),
    };

    /// <summary>The project a TRX file ran (its tests' assembly name) and how long the run took, or null when the file does not say.</summary>
    public static (string Project, TimeSpan Took)? Read(string trxFile)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(trxFile);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
        var times = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "Times");
        var storage = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "UnitTest")?.Attribute("storage")?.Value;
        if (storage is null || !DateTimeOffset.TryParse(times?.Attribute("start")?.Value, CultureInfo.InvariantCulture, out var start)
            || !DateTimeOffset.TryParse(times?.Attribute("finish")?.Value, CultureInfo.InvariantCulture, out var finish))
            return null;
        return (Path.GetFileNameWithoutExtension(storage), finish - start);
    }

    /// <summary>One line per project found in <paramref name="directory"/>'s TRX files, then the whole run's.</summary>
    public static IEnumerable<string> Report(string directory, TimeSpan whole)
    {
        var runs = Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories).Select(Read).OfType<(string Project, TimeSpan Took)>();
        foreach (var (project, took) in runs.OrderBy(run => run.Project, StringComparer.OrdinalIgnoreCase))
        {
            var name = Projects.Keys.FirstOrDefault(key => key.Equals(project, StringComparison.OrdinalIgnoreCase)) ?? project;
            yield return Projects.TryGetValue(project, out var budget)
                ? Line(name, took, budget)
                : $"time: {name} {Show(took)} (no budget: add it to SuiteBudget)";
        }
        yield return Line("the whole run, build included", whole, Total);
    }

    private static string Line(string what, TimeSpan took, TimeSpan budget) =>
        $"time: {what} {Show(took)} of {Show(budget)}{(took > budget ? ", OVER its budget" : "")}";

    private static string Show(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0}s");
}
