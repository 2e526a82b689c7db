using Platform.Topology.Files;
using Platform.Topology.Operations;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// The gateway, in front of the replicas the destinations file names, with the bench clients' settings
/// (<see cref="GatewayService"/>). It starts last of the request path, so it never answers clients before a
/// replica can.
/// </summary>
public sealed class GatewayResource(ResourceContext context) : PlatformResource
{
    public override string Name => ProcessNames.Gateway;

    public override ResourceKind Kind => ResourceKind.Entry;

    public override IReadOnlyList<string> WaitsFor => [ApiReplicaResource.ResourceName];

    // It drains in-flight requests for up to Proxy:DrainTimeout (30 s).
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(40);

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(ProcessNames.Gateway, "the gateway",
            [
                new("http", context.Ports.Gateway, PlatformVariables.GatewayPort, PlatformPorts.Defaults.Gateway),
                new("metrics", context.Ports.GatewayMetrics, PlatformVariables.MetricsBasePort, PlatformPorts.Defaults.GatewayMetrics),
            ],
            Probe(context.Ports.GatewayMetrics),
            () => GatewayService.Start(
                    context.Layout.GatewayApp, context.Ports.Gateway, context.Ports.GatewayMetrics, context.Layout.IdentityKeyFile,
                    context.Layout.DestinationsFile, context.Layout.ClientsFile)
                .WithEnvironment(BenchClients.GatewaySettings)),
    ];

    /// <summary>Ready when <c>/health/ready</c> on its management port answers 2xx: some destination is healthy.</summary>
    public static Readiness Probe(int metricsPort) => Readiness.Http(metricsPort, "/health/ready");

    /// <summary>Its build (reused while it runs), its clients file and the replicas it routes to, which a running gateway reloads.</summary>
    public override async Task ConfigureAsync()
    {
        await new AppBuilds(context.Layout, context.Table, context.Narrator).PublishGatewayAsync();
        BenchClients.Ensure(context.Layout.BenchKeysFile, context.Layout.ClientsFile);
        ReplicaSetFiles.Publish(context.Layout, context.Ports, context.Settings.Replicas);
    }
}
