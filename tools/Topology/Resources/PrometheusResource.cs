using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// Prometheus: prometheus/prometheus.local.yml with this run's addresses, the alert rules and the targets
/// files, checked by promtool, in the state directory (<see cref="PrometheusService"/>); a running one is
/// told to reload them. It sends its alerts to Alertmanager.
/// </summary>
public sealed class PrometheusResource(ResourceContext context) : PlatformResource
{
    private StateLayout Layout => context.Layout;

    private PlatformPorts Ports => context.Ports;

    public override string Name => ProcessNames.Prometheus;

    public override ResourceKind Kind => ResourceKind.Monitoring;

    public override IReadOnlyList<string> WaitsFor => [ProcessNames.Alertmanager];

    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(30);

    public override string? ReloadsOnHangup => "reloading its configuration and rules";

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(Name, "Prometheus",
            [new("http", Ports.Prometheus, PlatformVariables.PrometheusPort, PlatformPorts.Defaults.Prometheus)],
            Probe(Ports.Prometheus),
            () => PrometheusService.Start(Layout.PrometheusDirectory, Layout.PrometheusData, Ports.Prometheus)),
    ];

    /// <summary>Ready when <c>/-/ready</c> answers 2xx.</summary>
    public static Readiness Probe(int port) => Readiness.Http(port, "/-/ready");

    public override async Task ConfigureAsync()
    {
        var directory = Layout.PrometheusDirectory;
        PrivateDirectory.Create(directory);
        AtomicFile.Write(Path.Combine(directory, PrometheusService.ConfigFileName), PrometheusConfig.Render(PrometheusConfig.Template(Layout.Root), new PrometheusWiring(
            Probes.Authority(Ports.Prometheus), Probes.Authority(Ports.Alertmanager), [.. Enumerable.Range(1, context.Settings.DatabaseNodes).Select(node => Probes.Authority(Ports.MysqldExporterNode(node)))], [Probes.Authority(Ports.RedisExporter)])));
        AtomicFile.Write(Path.Combine(directory, PrometheusConfig.RulesFileName), File.ReadAllText(PrometheusConfig.Rules(Layout.Root)));
        ReplicaSetFiles.WritePrometheusTargets(Layout, Ports, context.Settings.Replicas);
        AtomicFile.Write(Path.Combine(directory, PrometheusConfig.NodeTargets),
            PrometheusTargets.NodeJson(Probes.Authority(Ports.NodeExporter), PrometheusTargets.MountPointOf(Layout.State)));
        await ConfigurationCheck.RunAsync(context, PrometheusService.Check(directory), "promtool",
            "promtool rejected the Prometheus configuration (prometheus/prometheus.local.yml or prometheus/alerts.yml)");
    }

    public override Task PrepareAsync()
    {
        PrivateDirectory.Create(Layout.PrometheusData);
        return Task.CompletedTask;
    }
}
