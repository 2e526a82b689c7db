using Platform.Testing;

namespace Platform.Deployment.Tests.Cli;

/// <summary>The command line's answers that need no running platform: status of nothing, and settings it refuses.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Status_of_a_platform_never_started_lists_every_process_stopped_on_its_port()
    {
        await using var platform = new LocalPlatform();
        var (exitCode, output) = await platform.RunAsync("status");
        Assert.True(exitCode == 0, output);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["PROCESS", "PID", "PORT", "STATE", "HEALTH"], rows[0]);
        Assert.Equal(
            ["gateway", "mariadb", "redis", "api-1", "api-2", "api-3", "trace-viewer", "prometheus", "alertmanager", "node-exporter", "mysqld-exporter", "redis-exporter"],
            rows.Skip(1).Select(row => row[0]));
        Assert.All(rows.Skip(1), row => Assert.Equal(["-", "stopped", "-"], (string[])[row[1], row[3], row[4]]));
        Assert.Equal(platform.GatewayAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[1][2]);
        Assert.Equal(platform.ReplicaAddress(2).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[5][2]);
    }

    [Fact]
    public async Task Down_of_a_platform_never_started_stops_nothing_and_succeeds()
    {
        await using var platform = new LocalPlatform();
        var (exitCode, output) = await platform.RunAsync("down");
        Assert.True(exitCode == 0, output);
        Assert.Contains("==> platform is down", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(pid", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "PLATFORM_GATEWAY_PORT", "http")]
    [InlineData("up", "PLATFORM_REPLICAS", "0")]
    [InlineData("scale", "PLATFORM_API_BASE_PORT", "65500")]
    [InlineData("down", "PLATFORM_DB_PORT", "-1")]
    [InlineData("up", "PLATFORM_DB_NODES", "2")]
    [InlineData("status", "PLATFORM_DB_NODES", "3; rm -rf /")]
    public async Task A_bad_setting_stops_any_command_with_one_line_naming_it(string command, string variable, string value)
    {
        await using var platform = new LocalPlatform(new Dictionary<string, string> { [variable] = value });
        var (exitCode, output) = await platform.RunAsync(command == "scale" ? ["scale", "2"] : [command]);
        Assert.Equal(1, exitCode);
        var error = Assert.Single(output.Split('\n'), line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(variable, error, StringComparison.Ordinal);
        Assert.Contains($"(got '{value}')", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
