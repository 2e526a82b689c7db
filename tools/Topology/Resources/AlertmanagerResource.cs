using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// Alertmanager: prometheus/alertmanager.yml as written, checked by amtool, in the state directory
/// (<see cref="AlertmanagerService"/>); a running one is told to reload it.
/// </summary>
public sealed class AlertmanagerResource(ResourceContext context) : PlatformResource
{
    private StateLayout Layout => context.Layout;

    public override string Name => ProcessNames.Alertmanager;

    public override ResourceKind Kind => ResourceKind.Alerting;

    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(15);

    public override string? ReloadsOnHangup => "reloading its configuration";

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(Name, "Alertmanager",
            [new("http", context.Ports.Alertmanager, PlatformVariables.AlertmanagerPort, PlatformPorts.Defaults.Alertmanager)],
            Probe(context.Ports.Alertmanager),
            () => AlertmanagerService.Start(Layout.AlertmanagerDirectory, Layout.AlertmanagerData, context.Ports.Alertmanager)),
    ];

    /// <summary>Ready when <c>/-/ready</c> answers 2xx.</summary>
    public static Readiness Probe(int port) => Readiness.Http(port, "/-/ready");

    public override async Task ConfigureAsync()
    {
        PrivateDirectory.Create(Layout.AlertmanagerDirectory);
        AtomicFile.Write(Path.Combine(Layout.AlertmanagerDirectory, AlertmanagerService.ConfigFileName), AlertmanagerConfig.Render(AlertmanagerConfig.Template(Layout.Root)));
        await ConfigurationCheck.RunAsync(context, AlertmanagerService.Check(Layout.AlertmanagerDirectory), "amtool", "amtool rejected prometheus/alertmanager.yml");
    }

    public override Task PrepareAsync()
    {
        PrivateDirectory.Create(Layout.AlertmanagerData);
        return Task.CompletedTask;
    }
}
