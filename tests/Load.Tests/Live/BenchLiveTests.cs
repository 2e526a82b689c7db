using Platform.Testing;

namespace Platform.Load.Tests.Live;

/// <summary>
/// <c>./platform up</c> then <c>./platform bench baseline --short</c> on a throwaway platform (own state
/// directory, free ports): the run passes, and its report holds the table with requests and a passed audit.
/// </summary>
public sealed class BenchLiveTests
{
    [Fact]
    public async Task Baseline_short_runs_end_to_end_and_writes_a_passing_report()
    {
        foreach (var server in new[] { "mariadbd", "redis-server", "prometheus", "prometheus-alertmanager" })
            RequiredServer.Locate(server);
        // Six minutes for a command: room for the bench run's build and its audit.
        await using var platform = new LocalPlatform(commandTimeout: TimeSpan.FromMinutes(6));
        await platform.RunOrFailAsync("up");

        var (exitCode, output) = await platform.RunAsync("bench", "baseline", "--short");

        Assert.True(exitCode == 0, $"./platform bench baseline --short exited {exitCode}:{Environment.NewLine}{output}");
        var reports = Path.Combine(platform.StateDirectory, "reports");
        var run = Assert.Single(Directory.GetDirectories(reports, "baseline-*"));
        foreach (var file in new[] { "report.md", "requests.csv", "timeline.csv", "timeline.svg" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");

        var report = await File.ReadAllTextAsync(Path.Combine(run, "report.md"), TestContext.Current.CancellationToken);
        Assert.Contains("| Endpoint | Requests | Failures | Failure rate | p50 | p95 | p99 | Throughput (req/s) |", report, StringComparison.Ordinal);
        var total = report.Split('\n').Single(l => l.StartsWith("| **Total** |", StringComparison.Ordinal));
        Assert.True(int.Parse(total.Split('|')[2].Trim(), System.Globalization.CultureInfo.InvariantCulture) > 0, total);
        Assert.Contains("## Verdict: PASSED", report, StringComparison.Ordinal);
        Assert.Contains("**Audit: creates stored: PASSED**", report, StringComparison.Ordinal);
        Assert.Contains("**Audit: no double booking: PASSED**", report, StringComparison.Ordinal);
        Assert.Contains("**Audit: outbox events: PASSED**", report, StringComparison.Ordinal);
        Assert.True(File.ReadLines(Path.Combine(run, "requests.csv")).Count() > 1);
    }
}
