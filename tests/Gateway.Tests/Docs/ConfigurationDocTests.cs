using Platform.Testing.Docs;
using Platform.Topology;
using Yarp.ReverseProxy.Health;

namespace Platform.Gateway.Tests.Docs;

/// <summary>docs/configuration.md, The gateway (and its subsections): a row for every option of the gateway, with the default it starts with.</summary>
public sealed class ConfigurationDocTests
{
    private static readonly System.Reflection.Assembly Gateway = typeof(Platform.Gateway.Proxy.ProxyOptions).Assembly;

    /// <summary>YARP's passive health policy, bound from a section of ours in ProxySetup rather than by a Section constant.</summary>
    private static readonly (string Section, Type Type) TransportFailureRate =
        ($"{Platform.Gateway.Proxy.ProxyOptions.Section}:TransportFailureRate", typeof(TransportFailureRateHealthPolicyOptions));

    [Fact]
    public void Every_option_of_the_gateway_has_a_row_with_its_default()
    {
        var problems = ConfigurationDocCheck.Problems(
            MarkdownDoc.Load("docs", "configuration.md"), "The gateway",
            [.. ConfigurationDocCheck.OptionsClasses(Gateway), .. ConfigurationDocCheck.OptionsClasses(typeof(Platform.Contracts.Management.MetricsOptions).Assembly), TransportFailureRate], RepositoryRoot.Combine("gateway", "appsettings.json"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_section_the_gateway_binds_is_found_by_its_options_class()
    {
        var (bound, others) = ConfigurationDocCheck.BindConfigurationCalls(RepositoryRoot.Combine("gateway"));
        Assert.Empty(others);
        var found = ConfigurationDocCheck.OptionsClasses(Gateway).Select(x => x.Type.Name).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(bound);
        Assert.All(bound, name => Assert.True(found.Contains(name), $"{name} is bound but has no Section constant the doc check finds"));
    }
}
