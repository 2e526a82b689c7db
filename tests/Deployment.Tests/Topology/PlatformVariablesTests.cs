using System.Reflection;
using Platform.Topology;

namespace Platform.Deployment.Tests.Topology;

/// <summary>Each <c>PLATFORM_*</c> variable is named once, and the command line's help lists every one with its default.</summary>
public sealed class PlatformVariablesTests
{
    private static List<string> Names() =>
        [.. typeof(PlatformVariables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)];

    [Fact]
    public void Every_variable_is_described_once_with_its_default()
    {
        var described = PlatformVariables.All.Select(variable => variable.Name).ToList();

        Assert.Equal(Names().Order(StringComparer.Ordinal), described.Order(StringComparer.Ordinal));
        Assert.All(PlatformVariables.All, variable => Assert.False(string.IsNullOrWhiteSpace(variable.Default), $"{variable.Name} has no default"));
    }

    [Fact]
    public void The_help_lists_every_variable_with_the_default_the_settings_use()
    {
        var defaults = PlatformSettings.FromEnvironment("/tmp/none", _ => null).Ports;

        Assert.All(PlatformVariables.All, variable => Assert.Contains($"{variable.Name} [{variable.Default}]", Platform.Cli.Usage.Description, StringComparison.Ordinal));
        Assert.Contains($"{PlatformVariables.GatewayPort} [{defaults.Gateway}]", Platform.Cli.Usage.Description, StringComparison.Ordinal);
        Assert.Contains($"{PlatformVariables.DatabasePort} [{defaults.Database}]", Platform.Cli.Usage.Description, StringComparison.Ordinal);
    }
}
