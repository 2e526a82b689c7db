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
                new("https", context.Ports.GatewayTls, PlatformVariables.GatewayTlsPort, PlatformPorts.Defaults.GatewayTls),
                new("metrics", context.Ports.GatewayMetrics, PlatformVariables.MetricsBasePort, PlatformPorts.Defaults.GatewayMetrics),
            ],
            Probe(context.Ports.GatewayMetrics),
            () => GatewayService.Start(
                    context.Layout.GatewayApp, context.Ports.Gateway, context.Ports.GatewayMetrics, context.Layout.IdentityKeyFile,
                    context.Layout.DestinationsFile, context.Layout.ClientsFile)
                .WithEnvironment(GatewayService.Tls(context.Layout.GatewayApp, context.Ports.GatewayTls, context.Layout.Tls))
                .WithEnvironment(BenchClients.GatewaySettings)
                .WithEnvironment(context.TraceExporter())),
    ];

    /// <summary>What <c>status</c> adds: the TLS port and the certificate it serves, as a client trusting the local CA sees them.</summary>
    public override Task<string?> StatusDetailAsync() => TlsProbe.DescribeAsync(context.Ports.GatewayTls, context.Layout.Tls.CaCertificate);

    /// <summary>Ready when <c>/health/ready</c> on its management port answers 2xx: some destination is healthy.</summary>
    public static Readiness Probe(int metricsPort) => Readiness.Http(metricsPort, "/health/ready");

    /// <summary>
    /// Its build (reused while it runs), its certificate (made or renewed; a running gateway serves a new
    /// one from its next handshake), its clients file and the replicas it routes to, which a running gateway reloads.
    /// </summary>
    public override async Task ConfigureAsync()
    {
        await new AppBuilds(context.Layout, context.Table, context.Narrator).PublishGatewayAsync();
        if (await LocalCertificates.EnsureAsync(context.Layout.Tls))
            context.Narrator.Info($"issued the gateway's certificate {context.Layout.Display(context.Layout.Tls.ServerCertificate)} (local CA {context.Layout.Display(context.Layout.Tls.CaCertificate)})");
        BenchClients.Ensure(context.Layout.BenchKeysFile, context.Layout.ClientsFile);
        ReplicaSetFiles.Publish(context.Layout, context.Ports, context.Settings.Replicas);
    }
}
