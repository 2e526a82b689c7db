using System.Reflection;
using Platform.Contracts.Problems;
using Platform.Testing.Docs;

namespace Platform.Api.Tests.Docs;

/// <summary>
/// docs/api.md, Every answer: the one table of answers and <see cref="ProblemTypes"/>, where every
/// type the replicas and the gateway answer with is named once, hold each other: a new type without a
/// row fails, and so does a row for a type nobody answers.
/// </summary>
public sealed class ProblemTypesDocTests
{
    [Fact]
    public void Every_problem_type_answered_has_a_row_in_the_table_of_answers()
    {
        var documented = Documented();
        var missing = Answered().Where(type => !documented.Contains(type)).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"docs/api.md, Every answer, has no row for {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_type_in_the_table_of_answers_is_one_the_platform_answers_with()
    {
        var answered = Answered();
        var unknown = Documented().Where(type => !answered.Contains(type)).Order(StringComparer.Ordinal).ToList();

        Assert.True(unknown.Count == 0, $"docs/api.md, Every answer, documents types that are not in {nameof(ProblemTypes)}: {string.Join(", ", unknown)}");
    }

    private static HashSet<string> Answered()
    {
        var types = typeof(ProblemTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("quota-exceeded", types);
        return types;
    }

    /// <summary>The types column (the second): its code spans, less the headers named beside a type (<c>Retry-After</c>).</summary>
    private static HashSet<string> Documented()
    {
        var types = MarkdownDoc.Load("docs", "api.md").Rows("Every answer")
            .SelectMany(row => MarkdownDoc.CodeSpans(row[1]))
            .Where(span => span.All(c => char.IsAsciiLetterLower(c) || c == '-'))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(types);
        return types;
    }
}
