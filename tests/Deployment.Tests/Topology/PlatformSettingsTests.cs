using Platform.Testing;
using Platform.Topology;

namespace Platform.Deployment.Tests.Topology;

/// <summary>The PLATFORM_* variables every command reads: defaults, and the bad and hostile values each refuses by name.</summary>
public sealed class PlatformSettingsTests
{
    private static PlatformSettings Read(string state, params (string Name, string Value)[] variables)
    {
        var given = variables.ToDictionary(v => v.Name, v => v.Value);
        given["PLATFORM_STATE_DIR"] = state;
        return PlatformSettings.FromEnvironment("/repo", name => given.GetValueOrDefault(name));
    }

    [Fact]
    public void Without_variables_the_ports_are_the_documented_defaults_and_three_replicas_run()
    {
        var state = ScratchDirectory.Create("platform-settings-");
        try
        {
            var settings = PlatformSettings.FromEnvironment("/repo", name => name == "PLATFORM_STATE_DIR" ? state.Path : null);
            Assert.Equal(PlatformPorts.Defaults, settings.Ports);
            Assert.Equal(3, settings.Replicas);
            Assert.Equal((8080, 9100, 5002, 9102), (settings.Ports.Gateway, settings.Ports.GatewayMetrics, settings.Ports.Api(2), settings.Ports.Metrics(2)));
            Assert.Equal(Path.Combine("/repo", ".platform"), PlatformSettings.FromEnvironment("/repo", _ => null).Layout.State);
        }
        finally
        {
            state.Delete();
        }
    }

    [Theory]
    [InlineData("PLATFORM_GATEWAY_PORT", "0")]
    [InlineData("PLATFORM_GATEWAY_PORT", "65536")]
    [InlineData("PLATFORM_DB_PORT", "0800")]
    [InlineData("PLATFORM_REDIS_PORT", "63 79")]
    [InlineData("PLATFORM_PROMETHEUS_PORT", "-9090")]
    [InlineData("PLATFORM_ALERTMANAGER_PORT", "9093; rm -rf /")]
    [InlineData("PLATFORM_NODE_EXPORTER_PORT", "1e3")]
    [InlineData("PLATFORM_MYSQLD_EXPORTER_PORT", "９２０４")]
    [InlineData("PLATFORM_REDIS_EXPORTER_PORT", "99999999999999999999")]
    [InlineData("PLATFORM_API_BASE_PORT", "65437")]
    [InlineData("PLATFORM_METRICS_BASE_PORT", "http://x")]
    public void A_port_that_is_not_one_is_refused_naming_the_variable_and_the_value(string variable, string value)
    {
        var error = Assert.Throws<PlatformException>(() => Read("/tmp/none", (variable, value)));
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains($"(got '{value}')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_port_must_leave_room_for_99_replicas()
    {
        Assert.Equal(65436, Read("/tmp/none", ("PLATFORM_API_BASE_PORT", "65436")).Ports.ApiBase);
        var error = Assert.Throws<PlatformException>(() => Read("/tmp/none", ("PLATFORM_API_BASE_PORT", "65437")));
        Assert.Contains("room for 99 replicas", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("03")]
    [InlineData("3;reboot")]
    [InlineData("three")]
    [InlineData(" 3")]
    public void A_replica_count_outside_1_to_99_is_refused(string value)
    {
        var error = Assert.Throws<PlatformException>(() => Read("/tmp/none", ("PLATFORM_REPLICAS", value)));
        Assert.Contains("PLATFORM_REPLICAS must be a whole number from 1 to 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replica_count_scale_left_is_read_back_and_a_spoiled_one_names_its_file()
    {
        var state = ScratchDirectory.Create("platform-settings-");
        try
        {
            File.WriteAllText(state.Combine("replicas"), "5\n");
            Assert.Equal(5, Read(state.Path).Replicas);
            Assert.Equal(2, Read(state.Path, ("PLATFORM_REPLICAS", "2")).Replicas);

            File.WriteAllText(state.Combine("replicas"), "lots\n");
            var error = Assert.Throws<PlatformException>(() => Read(state.Path));
            Assert.Contains("replicas", error.Message, StringComparison.Ordinal);
            Assert.Contains("(got 'lots')", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            state.Delete();
        }
    }

    [Theory]
    [InlineData("PLATFORM_DB_PORT", "8080", 8080)]
    [InlineData("PLATFORM_API_BASE_PORT", "8079", 8080)]
    [InlineData("PLATFORM_METRICS_BASE_PORT", "9202", 9204)]
    public void Two_services_on_one_port_are_refused_before_anything_starts(string variable, string value, int shared)
    {
        var settings = Read("/tmp/none", (variable, value));
        var error = Assert.Throws<PlatformException>(settings.RequireDistinctPorts);
        Assert.Contains($"port {shared} is given to two services", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_replicas_can_reach_a_port_fewer_left_free()
    {
        // api-4 would be 5004: free with three replicas, taken by the gateway once a fourth runs.
        var settings = Read("/tmp/none", ("PLATFORM_GATEWAY_PORT", "5004"));
        settings.RequireDistinctPorts();
        Assert.Throws<PlatformException>(settings.WithReplicas(4).RequireDistinctPorts);
    }
}
