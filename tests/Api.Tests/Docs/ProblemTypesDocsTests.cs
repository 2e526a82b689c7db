using System.Reflection;
using System.Text.RegularExpressions;
using Platform.Contracts.Problems;
using Platform.Topology;

namespace Platform.Api.Tests.Docs;

/// <summary>
/// The problem types a client can meet are the documented ones: every constant of
/// <see cref="ProblemTypes"/> has a row in an answer table, and every type in those tables is one a
/// part of the platform answers. The tables are README.md's (every answer, as a client meets it)
/// and docs/api.md's (the answers the gateway gives itself).
/// </summary>
public sealed partial class ProblemTypesDocsTests
{
    private static readonly string[] Documents = ["README.md", "docs/api.md"];

    [Fact]
    public void Every_problem_type_answered_is_documented()
    {
        var documented = DocumentedTypes();
        var undocumented = AnsweredTypes().Where(type => !documented.Contains(type)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0,
            $"Problem types without a row in the answer tables of {string.Join(" or ", Documents)}: {string.Join(", ", undocumented)}.");
    }

    [Fact]
    public void Every_documented_problem_type_is_answered()
    {
        var answered = AnsweredTypes();
        var unknown = DocumentedTypes().Where(type => !answered.Contains(type)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0,
            $"Documented problem types that are not in {nameof(ProblemTypes)}: {string.Join(", ", unknown)}.");
    }

    private static HashSet<string> AnsweredTypes() =>
        typeof(ProblemTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The types in the first column of every table headed <c>| answer | …</c>: each backquoted
    /// lower-case name there (<c>409 `hold-quota-exceeded` + `Retry-After`</c> names one type, the
    /// header being capitalised).
    /// </summary>
    private static HashSet<string> DocumentedTypes()
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in Documents)
        {
            string? header = null; // the first cell of the current table's header row
            var tables = 0;
            foreach (var line in File.ReadLines(RepositoryRoot.Combine(document.Split('/'))))
            {
                if (!line.StartsWith('|'))
                {
                    header = null;
                    continue;
                }
                var firstCell = line.Split('|', StringSplitOptions.TrimEntries)[1];
                if (header is null)
                {
                    header = firstCell;
                    tables += IsAnswerTable(header) ? 1 : 0;
                    continue;
                }
                if (!IsAnswerTable(header))
                    continue;
                foreach (Match name in TypeName().Matches(firstCell))
                    types.Add(name.Groups[1].Value);
            }
            Assert.True(tables > 0, $"{document} has no table headed '| answer |' any more: this test reads the problem types from it.");
        }
        return types;
    }

    private static bool IsAnswerTable(string header) => header.Equals("answer", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("`([a-z]+(?:-[a-z]+)*)`")]
    private static partial Regex TypeName();
}
