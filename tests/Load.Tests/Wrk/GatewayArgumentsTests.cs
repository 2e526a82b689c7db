using Platform.Load.Wrk.Gateway;

namespace Platform.Load.Tests.Wrk;

/// <summary><c>./platform bench gateway</c>'s settings: the bash script's names, defaults and bounds, bad and hostile values refused by name.</summary>
public sealed class GatewayArgumentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 23, 50, 9, TimeSpan.Zero);

    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    private (GatewayArguments? Parsed, string? Error) Parse(params string[] args) =>
        GatewayArguments.Parse(args, name => _variables.GetValueOrDefault(name), "/platform-state/bench", Now);

    /// <summary>A run of ladder steps alone on a fresh state directory once found no published gateway to start.</summary>
    [Fact]
    public void Every_configuration_but_the_floor_the_baseline_direct_and_nginx_runs_the_published_gateway()
    {
        string[] apart = [GatewayArguments.YarpFloor, GatewayArguments.GatewayBaseline, GatewayArguments.Direct, GatewayArguments.Nginx, GatewayArguments.NginxTls];

        Assert.All(GatewayArguments.KnownConfigs, config => Assert.Equal(!apart.Contains(config), GatewayArguments.RunsPublishedGateway(config)));
        Assert.All(GatewayArguments.Ladder, config => Assert.True(GatewayArguments.RunsPublishedGateway(config), config));
        Assert.False(GatewayArguments.RunsPublishedGateway("gateway-anything"));
    }

    [Fact]
    public void Without_settings_the_defaults_of_the_bash_script_apply()
    {
        var (parsed, error) = Parse();

        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal((15, 20, 32, 1, 1), (parsed.Duration, parsed.Warmup, parsed.Connections, parsed.Threads, parsed.Rounds));
        Assert.Equal(["direct", "gateway-on", "gateway-off", "nginx"], parsed.Configs);
        Assert.Equal(("health", "", true, false, false), (parsed.Workload, parsed.Baseline, parsed.Publish, parsed.Allocations, parsed.Profile));
        Assert.Equal((18080, 19100, 18090, 18443, 18453), (parsed.GatewayPort, parsed.MetricsPort, parsed.NginxPort, parsed.GatewayTlsPort, parsed.NginxTlsPort));
        Assert.Equal((0, false, 0), (parsed.RotateEvery, parsed.NewConnections, parsed.Rate));
        Assert.Empty(parsed.GatewayEnvironment);
        Assert.Empty(parsed.PublishArguments);
        Assert.Equal("/platform-state/bench/20261206-235009-gateway", parsed.Results);
    }

    [Fact]
    public void The_settings_are_read()
    {
        _variables["BENCH_CONFIGS"] = "gateway-baseline gateway-on gateway+identity";
        _variables["BENCH_BASELINE"] = "73a7618";
        _variables["BENCH_WORKLOAD"] = "create";
        _variables["BENCH_ROUNDS"] = "5";
        _variables["BENCH_THREADS"] = "16";
        _variables["BENCH_GATEWAY_ENV"] = "DOTNET_gcServer=0 Logging__LogLevel__Default=Warning";
        _variables["BENCH_PUBLISH_ARGS"] = "-p:PublishReadyToRun=true";
        _variables["BENCH_PUBLISH"] = "0";
        _variables["BENCH_PROFILE"] = "1";
        _variables["BENCH_ALLOCATIONS"] = "1";
        _variables["BENCH_TLS_ROTATE_EVERY"] = "2";
        _variables["BENCH_NEW_CONNECTIONS"] = "1";
        _variables["BENCH_GATEWAY_TLS_PORT"] = "28443";

        var (parsed, _) = Parse();

        Assert.NotNull(parsed);
        Assert.Equal(["gateway-baseline", "gateway-on", "gateway+identity"], parsed.Configs);
        Assert.Equal(("73a7618", "create", 5, 16), (parsed.Baseline, parsed.Workload, parsed.Rounds, parsed.Threads));
        Assert.Equal(["DOTNET_gcServer=0", "Logging__LogLevel__Default=Warning"], parsed.GatewayEnvironment);
        Assert.Equal(["-p:PublishReadyToRun=true"], parsed.PublishArguments);
        Assert.Equal((false, true, true), (parsed.Publish, parsed.Profile, parsed.Allocations));
        Assert.Equal((2, true, 28443), (parsed.RotateEvery, parsed.NewConnections, parsed.GatewayTlsPort));
    }

    [Theory]
    [InlineData("BENCH_DURATION", "21", "BENCH_DURATION must be")]
    [InlineData("BENCH_DURATION", "0", "BENCH_DURATION must be")]
    [InlineData("BENCH_WARMUP", "21", "BENCH_WARMUP must be")]
    [InlineData("BENCH_ROUNDS", "10", "BENCH_ROUNDS must be")]
    [InlineData("BENCH_TLS_ROTATE_EVERY", "21", "BENCH_TLS_ROTATE_EVERY must be")]
    [InlineData("BENCH_ROUNDS", "one", "BENCH_ROUNDS must be")]
    [InlineData("BENCH_CONNECTIONS", "0", "BENCH_CONNECTIONS must be")]
    [InlineData("BENCH_THREADS", "-2", "BENCH_THREADS must be")]
    [InlineData("BENCH_PROFILE", "yes", "BENCH_PROFILE must be")]
    [InlineData("BENCH_ALLOCATIONS", "2", "BENCH_ALLOCATIONS must be")]
    [InlineData("BENCH_PUBLISH", "true", "BENCH_PUBLISH must be")]
    [InlineData("BENCH_GATEWAY_PORT", "70000", "BENCH_GATEWAY_PORT must be")]
    [InlineData("BENCH_NGINX_PORT", "0", "BENCH_NGINX_PORT must be")]
    [InlineData("BENCH_WORKLOAD", "write", "BENCH_WORKLOAD must be")]
    [InlineData("BENCH_RATE", "-1", "BENCH_RATE must be")]
    [InlineData("BENCH_RATE", "100001", "BENCH_RATE must be")]
    [InlineData("BENCH_RATE", "2k", "BENCH_RATE must be")]
    [InlineData("BENCH_CONFIGS", "direct envoy", "unknown configuration")]
    [InlineData("BENCH_CONFIGS", "gateway-baseline", "gateway-baseline needs BENCH_BASELINE")]
    [InlineData("BENCH_GATEWAY_ENV", "DOTNET_gcServer", "BENCH_GATEWAY_ENV must be")]
    [InlineData("BENCH_GATEWAY_ENV", "=1", "BENCH_GATEWAY_ENV must be")]
    public void Bad_settings_are_refused_by_name(string name, string value, string message)
    {
        _variables[name] = value;

        var (parsed, error) = Parse();

        Assert.Null(parsed);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--upload-pack=touch /tmp/x")] // would be an option to git
    [InlineData("HEAD; rm -rf /")]
    [InlineData("$(reboot)")]
    public void A_baseline_that_is_not_a_commit_name_is_refused_before_git_sees_it(string baseline)
    {
        _variables["BENCH_BASELINE"] = baseline;

        Assert.StartsWith("BENCH_BASELINE must name a commit", Parse().Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Creates_take_at_most_16_wrk_threads()
    {
        _variables["BENCH_WORKLOAD"] = "create";
        _variables["BENCH_THREADS"] = "17";

        Assert.Equal("BENCH_WORKLOAD=create supports at most 16 wrk threads", Parse().Error);
    }

    [Fact]
    public void A_fixed_offered_rate_is_read_for_health_and_refused_for_creates()
    {
        _variables["BENCH_RATE"] = "2000";
        Assert.Equal(2000, Parse().Parsed!.Rate);

        _variables["BENCH_WORKLOAD"] = "create";
        Assert.StartsWith("BENCH_RATE measures the health workload only", Parse().Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("direct gateway-on", "direct")]
    [InlineData("gateway-on nginx", "nginx")]
    [InlineData("yarp-floor gateway+identity", "yarp-floor")]
    [InlineData("gateway-tls nginx-tls", "nginx-tls")]
    public void Creates_past_anything_but_the_gateway_are_refused_since_only_it_signs_each_ones_identity(string configs, string refused)
    {
        _variables["BENCH_WORKLOAD"] = "create";
        _variables["BENCH_CONFIGS"] = configs;

        Assert.StartsWith($"BENCH_WORKLOAD=create cannot run {refused}:", Parse().Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Creates_through_every_configuration_of_our_gateway_are_taken()
    {
        _variables["BENCH_WORKLOAD"] = "create";
        _variables["BENCH_CONFIGS"] = string.Join(' ', ["gateway-on", "gateway-off", "gateway-baseline", "gateway-tls", .. GatewayArguments.Ladder]);
        _variables["BENCH_BASELINE"] = "73a7618";

        Assert.Null(Parse().Error);
    }

    [Fact]
    public void Arguments_are_refused() => Assert.Contains("no arguments", Parse("direct").Error, StringComparison.Ordinal);

    [Fact]
    public void The_ladder_s_steps_are_configurations_and_a_step_not_on_it_is_refused()
    {
        _variables["BENCH_CONFIGS"] = "yarp-floor " + string.Join(' ', GatewayArguments.Ladder) + " nginx";
        var (parsed, error) = Parse();
        Assert.Null(error);
        Assert.Equal(10, parsed!.Configs.Count);

        _variables["BENCH_CONFIGS"] = "gateway+everything";
        Assert.Contains("unknown configuration", Parse().Error, StringComparison.Ordinal);
    }
}
