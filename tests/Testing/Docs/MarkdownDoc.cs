using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Testing.Docs;

/// <summary>
/// Just enough of Markdown, as the repository's documents write it, for tests that hold a document
/// to the code: headings and their anchors, sections, table rows and relative links. Fenced code
/// blocks are skipped; inline code is kept in table cells (the docs put keys and values in it) and
/// ignored when looking for links.
/// </summary>
public sealed partial class MarkdownDoc
{
    private readonly string[] _lines;

    private MarkdownDoc(string path, string[] lines)
    {
        Path = path;
        _lines = lines;
    }

    /// <summary>The file, as given to <see cref="Load"/>.</summary>
    public string Path { get; }

    /// <summary>A document of the repository, e.g. <c>Load("docs", "configuration.md")</c>.</summary>
    public static MarkdownDoc Load(params string[] parts)
    {
        var path = Platform.Topology.RepositoryRoot.Combine(parts);
        return new MarkdownDoc(path, File.ReadAllLines(path));
    }

    /// <summary>Every <c>*.md</c> of the checkout, build output, test results and dot-folders (state, git) left out.</summary>
    public static IReadOnlyList<string> AllFiles()
    {
        var skipped = new HashSet<string>(StringComparer.Ordinal) { "bin", "obj", "TestResults", "BenchmarkDotNet.Artifacts", "node_modules" };
        var found = new List<string>();
        var pending = new Stack<string>([Platform.Topology.RepositoryRoot.Path]);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            found.AddRange(Directory.EnumerateFiles(directory, "*.md"));
            foreach (var child in Directory.EnumerateDirectories(directory))
            {
                var name = System.IO.Path.GetFileName(child);
                if (!name.StartsWith('.') && !skipped.Contains(name))
                    pending.Push(child);
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Each line outside fenced code blocks, with its 1-based number.</summary>
    public IEnumerable<(int Number, string Text)> ProseLines()
    {
        var fenced = false;
        for (var i = 0; i < _lines.Length; i++)
        {
            if (_lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (!fenced)
                yield return (i + 1, _lines[i]);
        }
    }

    /// <summary>The headings, each with its level and text.</summary>
    public IEnumerable<(int Level, string Text, int Line)> Headings() =>
        ProseLines()
            .Select(line => (line, match: HeadingPattern().Match(line.Text)))
            .Where(x => x.match.Success)
            .Select(x => (x.match.Groups[1].Length, x.match.Groups[2].Value, x.line.Number));

    /// <summary>The anchors the headings get on GitHub (lower case, punctuation dropped, spaces to hyphens, repeats numbered).</summary>
    public IReadOnlySet<string> Anchors()
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var heading in Headings())
        {
            var slug = Slug(heading.Text);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>GitHub's anchor for a heading's text.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '-')
                slug.Append(c);
            else if (c == ' ')
                slug.Append('-');
        }

        return slug.ToString();
    }

    /// <summary>
    /// The rows of the tables under the heading <paramref name="heading"/> (any level), up to the next
    /// heading of the same or a higher level; header and separator rows left out.
    /// </summary>
    public IReadOnlyList<TableRow> Rows(string heading)
    {
        var headings = Headings().ToList();
        var start = headings.FindIndex(h => h.Text == heading);
        if (start < 0)
            throw new InvalidOperationException($"{Path} has no heading '{heading}'.");
        var level = headings[start].Level;
        var end = headings.Skip(start + 1).Where(h => h.Level <= level).Select(h => h.Line).DefaultIfEmpty(int.MaxValue).First();
        return TableRows(headings[start].Line, end);
    }

    /// <summary>Every table row of the document.</summary>
    public IReadOnlyList<TableRow> Rows() => TableRows(0, int.MaxValue);

    private List<TableRow> TableRows(int after, int before)
    {
        var rows = new List<TableRow>();
        var previousWasRow = false;
        foreach (var (number, text) in ProseLines())
        {
            var isRow = number > after && number < before && text.StartsWith('|');
            // A table's first row is its header; the separator row follows it.
            if (isRow && previousWasRow && !SeparatorPattern().IsMatch(text))
                rows.Add(new TableRow(number, SplitCells(text)));
            previousWasRow = isRow;
        }

        return rows;
    }

    /// <summary>The cells of a row, split on <c>|</c> outside inline code, trimmed.</summary>
    private static string[] SplitCells(string row)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var inCode = false;
        foreach (var c in row.Trim().Trim('|'))
        {
            if (c == '`')
                inCode = !inCode;
            if (c == '|' && !inCode)
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }

    /// <summary>The relative links (<c>[text](target)</c>) outside code, with their lines; web and mail addresses left out.</summary>
    public IEnumerable<(int Line, string Target)> RelativeLinks() =>
        from line in ProseLines()
        from Match link in LinkPattern().Matches(InlineCodePattern().Replace(line.Text, ""))
        let target = link.Groups[1].Value
        where !SchemePattern().IsMatch(target)
        select (line.Number, target);

    /// <summary>The text of each <c>`code span`</c> in <paramref name="cell"/>.</summary>
    public static IReadOnlyList<string> CodeSpans(string cell) =>
        [.. InlineCodePattern().Matches(cell).Select(m => m.Value.Trim('`'))];

    [GeneratedRegex(@"^(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^\|(\s*:?-{3,}:?\s*\|)+\s*$")]
    private static partial Regex SeparatorPattern();

    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex InlineCodePattern();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex SchemePattern();
}

/// <summary>One row of a Markdown table: its line and its cells.</summary>
public sealed record TableRow(int Line, IReadOnlyList<string> Cells)
{
    public string this[int column] => column < Cells.Count ? Cells[column] : "";
}
