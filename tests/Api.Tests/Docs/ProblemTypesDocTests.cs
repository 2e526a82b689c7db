using System.Reflection;
using Platform.Testing.Docs;

namespace Platform.Api.Tests.Docs;

/// <summary>docs/api.md, Every answer: the one table of answers names every problem type the replicas answer with.</summary>
public sealed class ProblemTypesDocTests
{
    [Fact]
    public void Every_problem_type_of_the_replicas_is_in_the_table_of_answers()
    {
        var documented = MarkdownDoc.Load("docs", "api.md").Rows("Every answer")
            .Where(row => row[2].Contains("replica", StringComparison.Ordinal))
            .SelectMany(row => MarkdownDoc.CodeSpans(row[1]))
            .ToHashSet(StringComparer.Ordinal);
        var types = typeof(Platform.Api.Problems.Problems).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToList();
        Assert.NotEmpty(types);
        Assert.All(types, type => Assert.True(documented.Contains(type), $"docs/api.md, Every answer, has no row of the replicas' for '{type}'"));
    }
}
