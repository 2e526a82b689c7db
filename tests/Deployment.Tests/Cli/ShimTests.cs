using Platform.Testing;

namespace Platform.Deployment.Tests.Cli;

/// <summary>
/// <c>./platform</c> itself, the way the README has an operator run it: the shim builds the command line
/// and hands it the arguments. (Tests of what the commands do run the built command line directly, with
/// a throwaway state directory: <see cref="LocalPlatform"/>.) One class, so the shim's build never races itself.
/// </summary>
public sealed class ShimTests
{
    private static async Task<(int ExitCode, string Output)> RunShimAsync(params string[] arguments) =>
        await ChildProcess.RunAsync(Platform.Topology.RepositoryRoot.Combine("platform"), arguments, TimeSpan.FromMinutes(3));

    [Fact]
    public async Task Help_lists_every_command_and_the_environment()
    {
        var (exitCode, output) = await RunShimAsync("--help");
        Assert.True(exitCode == 0, output);
        foreach (var command in new[] { "up", "down", "status", "test", "scale", "bench" })
            Assert.Matches($"(?m)^  {command} ", output);
        Assert.Contains("PLATFORM_STATE_DIR", output, StringComparison.Ordinal);
        Assert.Contains("./platform [command]", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("start")]
    [InlineData("--upp")]
    public async Task No_command_or_an_unknown_one_exits_64_with_the_usage(params string[] arguments)
    {
        var (exitCode, output) = await RunShimAsync(arguments);
        Assert.Equal(64, exitCode);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        if (arguments.Length > 0)
            Assert.Contains($"error: Unrecognized command or argument '{arguments[0]}'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shim_stays_a_shim()
    {
        var lines = await File.ReadAllLinesAsync(Platform.Topology.RepositoryRoot.Combine("platform"), TestContext.Current.CancellationToken);
        Assert.True(lines.Length <= 150, $"./platform has {lines.Length} lines: what it does beyond installing packages belongs in tools/Cli");
        var (exitCode, output) = await ChildProcess.RunAsync("bash", ["-n", Platform.Topology.RepositoryRoot.Combine("platform")], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, output);
    }
}
