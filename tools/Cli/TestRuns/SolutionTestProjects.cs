using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Platform.Cli.TestRuns;

/// <summary>
/// The test projects of a solution: its projects that reference <c>Microsoft.NET.Test.Sdk</c>. Each leaves
/// one TRX file per run (with no result when a filter chose none of its tests), so one that leaves none,
/// because its test host died before writing it, is counted rather than missed.
/// </summary>
public static partial class SolutionTestProjects
{
    private const string TestSdk = "Microsoft.NET.Test.Sdk";

    /// <summary>The test projects' paths, in the solution's order.</summary>
    /// <exception cref="IOException">The solution or one of its projects cannot be read.</exception>
    public static IReadOnlyList<string> Read(string solutionFile)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(solutionFile))!;
        return [.. ProjectLine().Matches(File.ReadAllText(solutionFile))
            .Select(match => Path.Combine(directory, match.Groups["path"].Value.Replace('\\', '/')))
            .Where(IsTestProject)];
    }

    private static bool IsTestProject(string project)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(project);
        }
        catch (XmlException e)
        {
            throw new IOException($"{project} is not XML: {e.Message}", e);
        }

        return document.Descendants().Any(element =>
            element.Name.LocalName == "PackageReference" && (string?)element.Attribute("Include") == TestSdk);
    }

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""[^""]+"", ""(?<path>[^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex ProjectLine();
}
