using Platform.Testing.Docs;
using Platform.Topology;

namespace Platform.Api.Tests.Docs;

/// <summary>docs/configuration.md, The API (replicas): a row for every option of the replicas, with the default they start with.</summary>
public sealed class ConfigurationDocTests
{
    private static readonly System.Reflection.Assembly Api = typeof(Platform.Api.Database.DatabaseOptions).Assembly;

    /// <summary>What the replicas take from the contracts too: the management listener's options.</summary>
    private static readonly System.Reflection.Assembly Contracts = typeof(Platform.Contracts.Management.MetricsOptions).Assembly;

    [Fact]
    public void Every_option_of_the_replicas_has_a_row_with_its_default()
    {
        var problems = ConfigurationDocCheck.Problems(
            MarkdownDoc.Load("docs", "configuration.md"), "The API (replicas)",
            [.. ConfigurationDocCheck.OptionsClasses(Api), .. ConfigurationDocCheck.OptionsClasses(Contracts)], RepositoryRoot.Combine("api", "appsettings.json"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_section_the_replicas_bind_is_found_by_its_options_class()
    {
        var (bound, others) = ConfigurationDocCheck.BindConfigurationCalls(RepositoryRoot.Combine("api"));
        Assert.Empty(others);
        var found = ConfigurationDocCheck.OptionsClasses(Api).Select(x => x.Type.Name).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(bound);
        Assert.All(bound, name => Assert.True(found.Contains(name), $"{name} is bound but has no Section constant the doc check finds"));
    }
}
