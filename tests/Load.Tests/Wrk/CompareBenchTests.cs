using Platform.Load.Wrk.Compare;
using Platform.Topology;

namespace Platform.Load.Tests.Wrk;

/// <summary>
/// <c>./platform bench compare</c> is the gateway bench with the compare's own settings: creates always, its
/// defaults only where the caller set nothing, its reports in the state directory's reports folder.
/// </summary>
public sealed class CompareBenchTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 23, 30, 5, TimeSpan.Zero);

    private static readonly StateLayout Layout = new(RepositoryRoot.Path, "/platform-state");

    [Fact]
    public void The_defaults_are_the_compares()
    {
        var settings = CompareBench.Settings(Layout, _ => null, Now);

        Assert.Equal("create", settings["BENCH_WORKLOAD"]);
        Assert.Equal("16", settings["BENCH_CONNECTIONS"]);
        Assert.Equal("gateway-on gateway-off", settings["BENCH_CONFIGS"]);
        Assert.Equal("/platform-state/reports/compare-20261206-233005", settings["BENCH_RESULTS"]);
    }

    [Fact]
    public void The_callers_settings_win_except_the_workload_which_is_always_creates()
    {
        var given = new Dictionary<string, string>
        {
            ["BENCH_CONNECTIONS"] = "8", ["BENCH_CONFIGS"] = "direct nginx", ["BENCH_RESULTS"] = "/reports-here", ["BENCH_WORKLOAD"] = "health",
        };

        var settings = CompareBench.Settings(Layout, given.GetValueOrDefault, Now);

        Assert.Equal("8", settings["BENCH_CONNECTIONS"]);
        Assert.Equal("direct nginx", settings["BENCH_CONFIGS"]);
        Assert.Equal("/reports-here", settings["BENCH_RESULTS"]);
        Assert.Equal("create", settings["BENCH_WORKLOAD"]);
    }

    [Fact]
    public async Task Arguments_are_a_usage_error() => Assert.Equal(64, await CompareBench.RunAsync(["--fast"]));
}
