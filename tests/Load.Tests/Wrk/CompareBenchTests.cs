using Platform.Load.Wrk.Compare;
using Platform.Topology;

namespace Platform.Load.Tests.Wrk;

/// <summary>
/// <c>./platform bench compare</c> runs the gateway bench with the platform the topology model describes and
/// the compare's own settings: creates always, its defaults only where the caller set nothing.
/// </summary>
public sealed class CompareBenchTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 23, 30, 5, TimeSpan.Zero);

    private static PlatformSettings Platform(Dictionary<string, string> variables) =>
        PlatformSettings.FromEnvironment(RepositoryRoot.Path, name => variables.GetValueOrDefault(name));

    [Fact]
    public void The_topology_comes_from_the_model_and_the_defaults_are_the_compares()
    {
        var platform = Platform(new() { ["PLATFORM_STATE_DIR"] = "/tmp/compare-state", ["PLATFORM_API_BASE_PORT"] = "25000", ["PLATFORM_REPLICAS"] = "2" });

        var environment = CompareBench.Environment(platform, _ => null, Now);

        Assert.Equal("/tmp/compare-state", environment["PLATFORM_STATE_DIR"]);
        Assert.Equal("25000", environment["PLATFORM_API_BASE_PORT"]);
        Assert.Equal("2", environment["PLATFORM_REPLICAS"]);
        Assert.Equal("create", environment["BENCH_WORKLOAD"]);
        Assert.Equal("16", environment["BENCH_CONNECTIONS"]);
        Assert.Equal("direct gateway-on nginx", environment["BENCH_CONFIGS"]);
        Assert.Equal("/tmp/compare-state/reports/compare-20261206-233005", environment["BENCH_RESULTS"]);
    }

    [Fact]
    public void The_callers_settings_win_except_the_workload_which_is_always_creates()
    {
        var given = new Dictionary<string, string>
        {
            ["BENCH_CONNECTIONS"] = "8", ["BENCH_CONFIGS"] = "direct nginx", ["BENCH_RESULTS"] = "/tmp/here", ["BENCH_WORKLOAD"] = "health",
        };

        var environment = CompareBench.Environment(Platform(new() { ["PLATFORM_STATE_DIR"] = "/tmp/s" }), given.GetValueOrDefault, Now);

        Assert.Equal("8", environment["BENCH_CONNECTIONS"]);
        Assert.Equal("direct nginx", environment["BENCH_CONFIGS"]);
        Assert.Equal("/tmp/here", environment["BENCH_RESULTS"]);
        Assert.Equal("create", environment["BENCH_WORKLOAD"]);
        Assert.Equal("3", environment["PLATFORM_REPLICAS"]);
        Assert.Equal("5000", environment["PLATFORM_API_BASE_PORT"]);
    }

    [Fact]
    public async Task Arguments_are_a_usage_error() =>
        Assert.Equal(64, await CompareBench.RunAsync(["--fast"]));
}
