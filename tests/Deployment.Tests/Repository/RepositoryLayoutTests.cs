using System.Text.RegularExpressions;
using Platform.Topology;

namespace Platform.Deployment.Tests.Repository;

/// <summary>
/// The house's shape: tests/ holds test projects and their helpers only, no project compiles a file
/// from another folder, and docs/operating.md's layout names every folder the services and tools have.
/// </summary>
public sealed partial class RepositoryLayoutTests
{
    private static readonly string[] Skipped = ["bin", "obj"];

    [Fact]
    public void Tests_holds_only_test_projects_and_their_helpers()
    {
        var folders = Folders("tests");

        Assert.All(folders, folder => Assert.True(folder.EndsWith(".Tests", StringComparison.Ordinal) || folder == "Testing",
            $"tests/{folder} is neither a test project nor the tests' helpers: tools live under tools/"));
        Assert.Contains("Testing", folders);
    }

    [Fact]
    public void No_project_compiles_a_file_from_outside_its_own_folder()
    {
        var projects = Directory.EnumerateFiles(RepositoryRoot.Path, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}.platform{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project =>
        {
            var linked = CompileOutside().Matches(File.ReadAllText(project)).Select(match => match.Value).ToList();
            Assert.True(linked.Count == 0, $"{Path.GetRelativePath(RepositoryRoot.Path, project)} links {string.Join(", ", linked)}: reference the project that owns it");
        });
    }

    [Theory]
    [InlineData("api")]
    [InlineData("gateway")]
    [InlineData("tools")]
    [InlineData("tests")]
    public void The_layout_in_operating_md_names_every_folder(string top)
    {
        var layout = Layout();
        var missing = Folders(top)
            .Where(folder => !layout.Contains(top is "api" or "gateway" ? $"{folder}/" : $"{top}/{folder}/", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, $"docs/operating.md's layout does not name {string.Join(", ", missing.Select(folder => $"{top}/{folder}/"))}");
    }

    [Fact]
    public void The_layout_in_operating_md_names_only_folders_that_exist()
    {
        var named = LayoutPath().Matches(Layout()).Select(match => match.Groups["path"].Value).Distinct().ToList();

        Assert.NotEmpty(named);
        Assert.All(named, path => Assert.True(Directory.Exists(RepositoryRoot.Combine(path.Split('/'))), $"docs/operating.md's layout names {path}/, which does not exist"));
    }

    private static List<string> Folders(string top) =>
        [.. Directory.EnumerateDirectories(RepositoryRoot.Combine(top)).Select(Path.GetFileName).OfType<string>()
            .Where(name => !Skipped.Contains(name) && !name.StartsWith('.')).Order(StringComparer.Ordinal)];

    /// <summary>The code block under "## Layout".</summary>
    private static string Layout()
    {
        var text = File.ReadAllText(RepositoryRoot.Combine("docs", "operating.md"));
        var start = text.IndexOf("## Layout", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operating.md has no Layout section");
        var open = text.IndexOf("```", start, StringComparison.Ordinal) + 3;
        return text[open..text.IndexOf("```", open, StringComparison.Ordinal)];
    }

    [GeneratedRegex("""<Compile\s+Include="\.\.[/\\][^"]*"\s*""")]
    private static partial Regex CompileOutside();

    /// <summary>A path the layout names at the start of a line: <c>tools/Load/</c>.</summary>
    [GeneratedRegex(@"^(?<path>(?:api|gateway|tools|tests|docs|prometheus|grafana|contracts)(?:/[A-Za-z.]+)?)/", RegexOptions.Multiline)]
    private static partial Regex LayoutPath();
}
