using Platform.Testing.Docs;
using Platform.Topology;

namespace Platform.Deployment.Tests.Docs;

/// <summary>
/// The documents link to each other by file name and heading: a renamed file or heading must not
/// leave a link behind, and two documents with one name (docs/identity.md and a benchmark record
/// called the same) make every "identity.md" in prose ambiguous.
/// </summary>
public sealed class DocLinksTests
{
    [Fact]
    public void No_two_files_under_docs_share_a_name()
    {
        var docs = RepositoryRoot.Combine("docs");
        var repeated = Directory.EnumerateFiles(docs, "*", SearchOption.AllDirectories)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group => string.Join(" and ", group.Select(path => Path.GetRelativePath(RepositoryRoot.Path, path))))
            .ToList();
        Assert.True(repeated.Count == 0, "Files with one name under docs/: " + string.Join("; ", repeated));
    }

    [Fact]
    public void Every_relative_link_of_every_document_leads_to_a_file_and_heading_that_exist()
    {
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var file in MarkdownDoc.AllFiles())
        {
            var doc = MarkdownDoc.Load(Path.GetRelativePath(RepositoryRoot.Path, file));
            foreach (var (line, target) in doc.RelativeLinks())
            {
                checkedLinks++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
                var where = $"{Path.GetRelativePath(RepositoryRoot.Path, file)}:{line} ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                    broken.Add($"{where}: no such file");
                else if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.Ordinal)
                         && !MarkdownDoc.Load(Path.GetRelativePath(RepositoryRoot.Path, resolved)).Anchors().Contains(anchor))
                    broken.Add($"{where}: no heading with that anchor");
            }
        }

        Assert.True(checkedLinks > 50, $"only {checkedLinks} links found: is the link pattern still right?");
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }
}
