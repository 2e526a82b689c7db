using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>Redis's exporter, watching the reservations event stream's length (<see cref="ExporterServices.RedisExporter"/>).</summary>
public sealed class RedisExporterResource(ResourceContext context) : PlatformResource
{
    public override string Name => ProcessNames.RedisExporter;

    public override ResourceKind Kind => ResourceKind.Exporter;

    public override IReadOnlyList<string> WaitsFor => [ProcessNames.Redis];

    // Exporters exit at once on SIGTERM.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(Name, Name,
            [new("http", context.Ports.RedisExporter, PlatformVariables.RedisExporterPort, PlatformPorts.Defaults.RedisExporter)],
            Probe(context.Ports.RedisExporter),
            () => ExporterServices.RedisExporter(context.Ports.RedisExporter, context.Ports.Redis, RedisService.Passwords(context.Layout)[RedisUsers.Exporter])),
    ];

    /// <summary>Ready when <c>/metrics</c> answers 2xx.</summary>
    public static Readiness Probe(int port) => Readiness.Http(port, "/metrics");
}
