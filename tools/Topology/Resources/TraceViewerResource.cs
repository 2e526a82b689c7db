using Platform.Topology.Files;
using Platform.Topology.Operations;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// The trace viewer (<see cref="TraceViewerService"/>): the UI on its port, OTLP/HTTP on a second, each open
/// only with its key from the state directory's <c>trace-viewer-keys/</c>. It starts before the replicas so
/// that their start-up is traced too, but nothing waits for it: a service that cannot export drops its spans
/// and serves on.
/// </summary>
public sealed class TraceViewerResource(ResourceContext context) : PlatformResource
{
    private StateLayout Layout => context.Layout;

    public override string Name => ProcessNames.TraceViewer;

    public override ResourceKind Kind => ResourceKind.Monitoring;

    // It stops at once on SIGTERM, deleting what it held.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(Name, "the trace viewer",
            [
                new("http", context.Ports.TraceViewer, PlatformVariables.TraceViewerPort, PlatformPorts.Defaults.TraceViewer),
                new("otlp", context.Ports.TraceViewerOtlp, PlatformVariables.TraceViewerOtlpPort, PlatformPorts.Defaults.TraceViewerOtlp),
            ],
            Probe(context.Ports.TraceViewer),
            () => TraceViewerService.Start(Layout.TraceViewerApp, Layout.TraceViewerHome, context.Ports.TraceViewer, context.Ports.TraceViewerOtlp, context.TraceViewerKeys())),
    ];

    /// <summary>Ready when its UI answers <c>/health</c> with 2xx (its OTLP receiver listens from the same moment).</summary>
    public static Readiness Probe(int uiPort) => Readiness.Http(uiPort, TraceViewerService.HealthPath);

    /// <summary>What <c>status</c> adds: whether the OTLP receiver answers, on its port.</summary>
    public override async Task<string?> StatusDetailAsync() =>
        $"OTLP :{context.Ports.TraceViewerOtlp} {await Probes.HttpHealthAsync(Probes.Local(context.Ports.TraceViewerOtlp, TraceViewerService.HealthPath))}";

    /// <summary>Its copy of the package (reused while it runs) and its keys, which the gateway and the replicas need too.</summary>
    public override async Task ConfigureAsync()
    {
        await new AppBuilds(Layout, context.Table, context.Narrator).PublishTraceViewerAsync();
        context.TraceViewerKeys();
    }

    /// <summary>Its home, and an empty <c>tmp/</c>: a viewer killed rather than stopped leaves its telemetry there.</summary>
    public override Task PrepareAsync()
    {
        PrivateDirectory.Create(Layout.TraceViewerHome);
        ClearTemp();
        return Task.CompletedTask;
    }

    public override void OnStopped() => ClearTemp();

    private void ClearTemp()
    {
        var temp = TraceViewerService.TempDirectory(Layout.TraceViewerHome);
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        if (Directory.Exists(Layout.TraceViewerHome))
        {
            PrivateDirectory.Create(temp);
        }
    }
}
