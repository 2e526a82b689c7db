using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>The host's exporter: the CPU, memory, load and disk figures the alerts read, and the backup's metrics file (<see cref="ExporterServices.NodeExporter"/>).</summary>
public sealed class NodeExporterResource(ResourceContext context) : PlatformResource
{
    public override string Name => ProcessNames.NodeExporter;

    public override ResourceKind Kind => ResourceKind.Exporter;

    // Exporters exit at once on SIGTERM.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(Name, Name,
            [new("http", context.Ports.NodeExporter, PlatformVariables.NodeExporterPort, PlatformPorts.Defaults.NodeExporter)],
            Probe(context.Ports.NodeExporter),
            () => ExporterServices.NodeExporter(context.Ports.NodeExporter, context.Layout.NodeExporterTextfiles)),
    ];

    /// <summary>The backup's metrics file lands here; the collector needs the directory to exist.</summary>
    public override Task PrepareAsync()
    {
        PrivateDirectory.Create(context.Layout.NodeExporterTextfiles);
        return Task.CompletedTask;
    }

    /// <summary>Ready when <c>/metrics</c> answers 2xx.</summary>
    public static Readiness Probe(int port) => Readiness.Http(port, "/metrics");
}
