using System.Reflection;
using Platform.Gateway.Identity.FailedAuthentication;
using Platform.Testing.Docs;

namespace Platform.Gateway.Tests.Docs;

/// <summary>docs/api.md, Every answer: the one table of answers names every problem type the gateway answers with itself.</summary>
public sealed class ProblemTypesDocTests
{
    [Fact]
    public void Every_problem_type_of_the_gateway_is_in_the_table_of_answers()
    {
        var documented = MarkdownDoc.Load("docs", "api.md").Rows("Every answer")
            .Where(row => row[2].Contains("gateway", StringComparison.Ordinal))
            .SelectMany(row => MarkdownDoc.CodeSpans(row[1]))
            .ToHashSet(StringComparer.Ordinal);
        // The *Problems classes (GatewayProblems, IdentityProblems, RateLimitProblems, ...) hold the types; the lockout keeps its own.
        var types = typeof(FailedAuthenticationLockout).Assembly.GetTypes()
            .Where(type => type.Name.EndsWith("Problems", StringComparison.Ordinal))
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .Append(FailedAuthenticationLockout.TooManyFailedAuthentications)
            .ToList();
        Assert.Contains("quota-exceeded", types);
        Assert.All(types, type => Assert.True(documented.Contains(type), $"docs/api.md, Every answer, has no row of the gateway's for '{type}'"));
    }
}
