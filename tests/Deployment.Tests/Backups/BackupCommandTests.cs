using Platform.Testing;

namespace Platform.Deployment.Tests.Backups;

/// <summary>
/// <c>./platform backup</c> and <c>restore</c> as the operator meets them, with no server running: each bad
/// input is one <c>error:</c> line saying what to do, exit 1 (64 for what the parser refuses), and nothing is touched.
/// </summary>
public sealed class BackupCommandTests
{
    [Theory]
    [InlineData("restore --to yesterday", "is not a UTC time")]
    [InlineData("restore --to 2999-01-01T00:00:00Z", "is in the future")]
    [InlineData("restore --to-gtid 0-1-2;DROP", "is not a GTID")]
    [InlineData("restore --to 2026-12-07T00:00:00Z --to-gtid 0-1-2", "not both")]
    [InlineData("restore --dir /nonexistent/../nonexistent-backups", "no backups in")]
    [InlineData("restore", "no backup to restore from")]
    [InlineData("backup --dir ", "--dir needs a directory")]
    [InlineData("backup", "is the platform up?")]
    public async Task A_bad_input_is_one_error_line_and_exit_1(string command, string message)
    {
        await using var platform = new LocalPlatform();
        Directory.CreateDirectory(Path.Combine(platform.StateDirectory, "backups"));
        var (exitCode, output) = await platform.RunAsync(Split(command));
        Assert.True(exitCode == 1, output);
        var error = Assert.Single(output.Split('\n'), line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("restore --to")]
    [InlineData("restore --to-gtid")]
    [InlineData("backup --dir")]
    [InlineData("restore --since 2026-12-07T00:00:00Z")]
    public async Task A_missing_value_or_unknown_option_is_a_usage_error(string command)
    {
        await using var platform = new LocalPlatform();
        var (exitCode, output) = await platform.RunAsync(Split(command));
        Assert.True(exitCode == 64, output);
        Assert.Contains("error: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backups_inside_the_data_directory_are_refused_and_a_data_directory_with_data_is_never_restored_over()
    {
        await using var platform = new LocalPlatform();
        var data = Path.Combine(platform.StateDirectory, "mariadb");
        var (exitCode, output) = await platform.RunAsync("backup", "--dir", Path.Combine(data, "backups"));
        Assert.True(exitCode == 1, output);
        Assert.Contains("inside MariaDB's data directory", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "backups")));

        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "ibdata1"), "the only copy", TestContext.Current.CancellationToken);
        var backups = Path.Combine(platform.StateDirectory, "backups with; odd name");
        Directory.CreateDirectory(backups);
        (exitCode, output) = await platform.RunAsync("restore", "--dir", backups);
        Assert.True(exitCode == 1, output);
        Assert.Contains("is not empty", output, StringComparison.Ordinal);
        Assert.Equal("the only copy", await File.ReadAllTextAsync(Path.Combine(data, "ibdata1"), TestContext.Current.CancellationToken));
    }

    // Split on single spaces so "--dir " ends with an empty argument, as a shell's "" would give.
    private static string[] Split(string command) => command.Split(' ');
}
