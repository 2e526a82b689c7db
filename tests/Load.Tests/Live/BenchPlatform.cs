using Platform.Testing;

namespace Platform.Load.Tests.Live;

/// <summary>
/// One <c>./platform up</c> (own state directory, free ports) shared by one class of live bench tests,
/// which run one after another against it; <c>./platform down</c> at the end.
/// </summary>
public sealed class BenchPlatform : IAsyncLifetime
{
    /// <summary>api-2's line in <c>./platform status</c> while it runs and answers its health check.</summary>
    public const string Api2Answers = @"(?m)^api-2 +\d+ +\d+ +running +HTTP 200";

    // Room for a run's build, a fault scenario's 60 s, its restart and its audit.
    private readonly LocalPlatform _platform = new(commandTimeout: TimeSpan.FromMinutes(6));

    public async ValueTask InitializeAsync()
    {
        RequiredServer.LocateAll(LocalPlatform.Servers);
        await _platform.RunOrFailAsync("up");
    }

    /// <summary>
    /// Runs <c>./platform bench SCENARIO --short</c>, asserts it exited 0 (every verdict passed), and
    /// returns its report.md after checking the files beside it.
    /// </summary>
    public async Task<string> RunShortAsync(string scenario)
    {
        var (exitCode, output) = await _platform.RunAsync("bench", scenario, "--short");
        Assert.True(exitCode == 0, $"./platform bench {scenario} --short exited {exitCode}:{Environment.NewLine}{output}");
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(_platform.StateDirectory, "reports"), scenario + "-*"));
        foreach (var file in new[] { "report.md", "requests.csv", "timeline.csv", "timeline.svg" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");
        Assert.True(File.ReadLines(Path.Combine(run, "requests.csv")).Count() > 1, "requests.csv holds no request");
        var report = await File.ReadAllTextAsync(Path.Combine(run, "report.md"), TestContext.Current.CancellationToken);
        // The verdicts in the test's output, passed or not: the report itself goes with the throwaway platform.
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, report.Split('\n').Where(l => l.StartsWith("- **", StringComparison.Ordinal))));
        Assert.Contains("## Verdict: PASSED", report, StringComparison.Ordinal);
        Assert.Contains("**Audit: creates stored: PASSED**", report, StringComparison.Ordinal);
        Assert.Contains("**Audit: no double booking: PASSED**", report, StringComparison.Ordinal);
        Assert.Contains("**Audit: outbox events: PASSED**", report, StringComparison.Ordinal);
        return report;
    }

    /// <summary>What <c>./platform status</c> prints.</summary>
    public Task<string> StatusAsync() => _platform.RunOrFailAsync("status");

    public async ValueTask DisposeAsync() => await _platform.DisposeAsync();

    /// <summary>Asserts the report says each of <paramref name="verdicts"/> passed.</summary>
    public static void AssertPassed(string report, params string[] verdicts)
    {
        foreach (var verdict in verdicts)
            Assert.Contains($"**{verdict}: PASSED**", report, StringComparison.Ordinal);
    }
}
