using System.Text.Json.Nodes;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Topology;

/// <summary>
/// The files up writes for the gateway and Prometheus, read back by what reads them: JSON parsers, and
/// Prometheus's and Alertmanager's own checkers.
/// </summary>
public sealed class GeneratedFilesTests : IDisposable
{
    private readonly ScratchDirectory _directory = ScratchDirectory.Create("platform-generated-");

    private static string Root => Platform.Topology.RepositoryRoot.Path;

    public void Dispose() => _directory.Delete();

    [Fact]
    public void The_destinations_file_names_each_replica_by_its_id_in_the_gateways_cluster()
    {
        var path = _directory.Combine("destinations.json");
        DestinationsFile.Write(path, new Dictionary<string, Uri>
        {
            ["api-1"] = new("http://127.0.0.1:5001"),
            ["api-\"2\""] = new("http://127.0.0.1:5002"),
        });

        var destinations = JsonNode.Parse(File.ReadAllText(path))!["ReverseProxy"]!["Clusters"]![GatewayService.Cluster]!["Destinations"]!;
        Assert.Equal("http://127.0.0.1:5001/", (string?)destinations["api-1"]!["Address"]);
        Assert.Equal("http://127.0.0.1:5002/", (string?)destinations["api-\"2\""]!["Address"]);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp"));
    }

    [Fact]
    public async Task The_prometheus_configuration_with_this_runs_ports_passes_promtool()
    {
        var promtool = RequiredServer.Locate(PrometheusService.Checker);
        var config = PrometheusConfig.Render(PrometheusConfig.Template(Root),
            new PrometheusWiring("127.0.0.1:19090", "127.0.0.1:19093", ["127.0.0.1:19204"], ["127.0.0.1:19221", "127.0.0.1:19222"]));
        File.WriteAllText(_directory.Combine(PrometheusService.ConfigFileName), config);
        File.Copy(PrometheusConfig.Rules(Root), _directory.Combine(PrometheusConfig.RulesFileName));
        AtomicFile.Write(_directory.Combine(PrometheusConfig.ApiTargets), PrometheusTargets.Json(["127.0.0.1:19101", "127.0.0.1:19102"]));
        AtomicFile.Write(_directory.Combine(PrometheusConfig.GatewayTargets), PrometheusTargets.Json(["127.0.0.1:19100"]));
        AtomicFile.Write(_directory.Combine(PrometheusConfig.NodeTargets), PrometheusTargets.NodeJson("127.0.0.1:19200", "/a \"quoted\" mount"));

        var (exitCode, output) = await CommandRunner.RunAsync(
            new ServiceCommand(promtool, ["check", "config", _directory.Combine(PrometheusService.ConfigFileName)]), TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, output);
        foreach (var target in new[] { "127.0.0.1:19090", "127.0.0.1:19093", "127.0.0.1:19204", "127.0.0.1:19222" })
            Assert.Contains(target, config, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:9093", config, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 5s", config, StringComparison.Ordinal);
        var node = JsonNode.Parse(File.ReadAllText(_directory.Combine(PrometheusConfig.NodeTargets)))!.AsArray().Single()!;
        Assert.Equal("/a \"quoted\" mount", (string?)node["labels"]!["data_mountpoint"]);
    }

    [Fact]
    public void A_test_interval_reaches_every_scrape_evaluation_and_discovery()
    {
        var config = PrometheusConfig.Render(PrometheusConfig.Template(Root),
            new PrometheusWiring("127.0.0.1:1", "127.0.0.1:2", ["127.0.0.1:3"], ["127.0.0.1:4"], TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain("5s", config, StringComparison.Ordinal);
        Assert.Contains("evaluation_interval: 1s", config, StringComparison.Ordinal);
        Assert.Contains("refresh_interval: 1s", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alertmanager_configuration_passes_amtool_as_written_and_with_a_tests_webhook()
    {
        var amtool = RequiredServer.Locate(AlertmanagerService.Checker);
        foreach (var (config, name) in new[]
        {
            (AlertmanagerConfig.Render(AlertmanagerConfig.Template(Root)), "as-written.yml"),
            (AlertmanagerConfig.Render(AlertmanagerConfig.Template(Root), new Uri("http://127.0.0.1:1/hook"), TimeSpan.FromSeconds(1)), "test.yml"),
        })
        {
            File.WriteAllText(_directory.Combine(name), config);
            var (exitCode, output) = await CommandRunner.RunAsync(new ServiceCommand(amtool, ["check-config", _directory.Combine(name)]), TimeSpan.FromMinutes(1));
            Assert.True(exitCode == 0, output);
        }

        Assert.Contains("http://127.0.0.1:1/hook", File.ReadAllText(_directory.Combine("test.yml")), StringComparison.Ordinal);
    }
}
