using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Testing.Docs;
using Platform.Topology;

namespace Platform.Deployment.Tests.Docs;

/// <summary>
/// docs/configuration.md, Ports, is the one list of the ports <c>./platform</c> uses. Its defaults and
/// variables are held to <see cref="PlatformSettings.FromEnvironment"/>, the code every command reads
/// them with: every variable it reads is documented, and each port variable moves the port the table says.
/// </summary>
public sealed partial class PortsDocTests
{
    private static readonly MarkdownDoc Configuration = MarkdownDoc.Load("docs", "configuration.md");

    /// <summary>(variable, default port or base, whether it is a base "+N") for each row of the Ports table.</summary>
    private static List<(string Variable, int Port, bool PerReplica, int Line)> PortRows() =>
        [.. Configuration.Rows("Ports").Select(row =>
        {
            var port = PortPattern().Match(row[1]);
            Assert.True(port.Success, $"docs/configuration.md:{row.Line}: '{row[1]}' is not a port or 'base+N'");
            var variable = MarkdownDoc.CodeSpans(row[2]).Single(code => code.StartsWith("PLATFORM_", StringComparison.Ordinal));
            return (variable, int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture), port.Groups[2].Success, row.Line);
        })];

    /// <summary>The variables <see cref="PlatformSettings.FromEnvironment"/> reads, found by asking it.</summary>
    private static List<string> VariablesRead()
    {
        var read = new List<string>();
        PlatformSettings.FromEnvironment("/nonexistent-checkout", name =>
        {
            read.Add(name);
            return null;
        });
        return read;
    }

    [Fact]
    public void Every_variable_the_platform_reads_is_documented()
    {
        // The section's rows, its Ports table's included: a variable is documented in a row's first or last column.
        var documented = Configuration.Rows("Environment variables of `./platform`")
            .SelectMany(row => MarkdownDoc.CodeSpans(row[0]).Concat(MarkdownDoc.CodeSpans(row[row.Cells.Count - 1])))
            .ToHashSet(StringComparer.Ordinal);
        var read = VariablesRead();
        Assert.Contains("PLATFORM_GATEWAY_PORT", read);
        Assert.All(read, variable => Assert.True(documented.Contains(variable),
            $"docs/configuration.md documents no {variable} under Environment variables of ./platform or Ports"));
    }

    [Fact]
    public void Each_port_row_names_a_variable_that_moves_that_port_from_that_default()
    {
        var rows = PortRows();
        var defaults = PlatformPorts.Defaults;
        foreach (var (variable, port, perReplica, line) in rows)
        {
            // A base leaves room for 99 replicas, so 20000 is valid for every port variable.
            var moved = PlatformSettings.FromEnvironment("/nonexistent-checkout", name => name == variable ? "20000" : null).Ports;
            var changed = Fields(moved).Where(field => field.Value != Fields(defaults)[field.Key]).Select(field => field.Key).ToList();
            Assert.True(changed.Count == 1, $"docs/configuration.md:{line}: {variable} moves {changed.Count} ports ({string.Join(", ", changed)}), not one");
            Assert.True(Fields(defaults)[changed[0]] == port,
                $"docs/configuration.md:{line}: {variable} defaults to {Fields(defaults)[changed[0]]} ({changed[0]}), the table says {port}");
            Assert.True(!perReplica || changed[0] is nameof(PlatformPorts.ApiBase) or nameof(PlatformPorts.MetricsBase),
                $"docs/configuration.md:{line}: {variable} is not a base, yet the table adds +N");
        }

        // Every port the platform has is in the table: one row per variable at least, both uses of the metrics base.
        var documented = rows.Select(row => row.Variable).ToHashSet(StringComparer.Ordinal);
        var portVariables = VariablesRead().Where(name => name.EndsWith("_PORT", StringComparison.Ordinal)).ToList();
        Assert.Equal(Fields(defaults).Count, portVariables.Count);
        Assert.All(portVariables, variable => Assert.True(documented.Contains(variable), $"the Ports table has no row for {variable}"));
        Assert.Contains(rows, row => row.Variable == "PLATFORM_METRICS_BASE_PORT" && !row.PerReplica);
        Assert.Contains(rows, row => row.Variable == "PLATFORM_METRICS_BASE_PORT" && row.PerReplica);
    }

    /// <summary>The ports a <see cref="PlatformPorts"/> is made of, by name.</summary>
    private static Dictionary<string, int> Fields(PlatformPorts ports) =>
        typeof(PlatformPorts).GetConstructors().Single().GetParameters()
            .ToDictionary(p => p.Name!, p => (int)typeof(PlatformPorts).GetProperty(p.Name!)!.GetValue(ports)!, StringComparer.Ordinal);

    [GeneratedRegex(@"^(\d+)(\+N)?$")]
    private static partial Regex PortPattern();
}
