using Platform.Testing;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// A trace viewer, three replicas exporting to it, and two gateways in front of them exporting too:
/// <see cref="Sampled"/> keeps every trace (<c>Tracing:SampleRatio</c> 1), <see cref="SampledOut"/>
/// none by sampling (0), so only what it keeps for an outcome reaches the viewer. The replicas follow
/// the gateway's decision. Tests that freeze a replica start their own.
/// </summary>
public sealed class TracedPlatform : IAsyncLifetime
{
    private static readonly string[] Servers = ["mariadbd", "redis-server"];

    private TraceViewer? _viewer;
    private ApiCluster? _cluster;
    private GatewayProcess? _sampled;
    private GatewayProcess? _sampledOut;

    public TraceViewer Viewer => _viewer ?? throw Missing();
    public ApiCluster Cluster => _cluster ?? throw Missing();
    public GatewayProcess Sampled => _sampled ?? throw Missing();
    public GatewayProcess SampledOut => _sampledOut ?? throw Missing();

    /// <summary>The exporter's variables and a sample ratio, for a replica or a gateway.</summary>
    public static Dictionary<string, string> Exporting(TraceViewer viewer, double ratio) =>
        new(viewer.ExporterEnvironment)
        {
            ["Tracing__SampleRatio"] = ratio.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return; // Each test reports the missing server.
        _viewer = await TraceViewer.StartAsync();
        _cluster = await ApiCluster.StartAsync(3, Exporting(_viewer, 0));
        _sampled = await GatewayProcess.StartAsync(_cluster.Replicas, Exporting(_viewer, 1));
        _sampledOut = await GatewayProcess.StartAsync(_cluster.Replicas, Exporting(_viewer, 0));
    }

    public async ValueTask DisposeAsync()
    {
        if (_sampledOut is not null)
            await _sampledOut.DisposeAsync();
        if (_sampled is not null)
            await _sampled.DisposeAsync();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        if (_viewer is not null)
            await _viewer.DisposeAsync();
    }

    private static InvalidOperationException Missing() => RequiredServer.Missing("traced platform", Servers);
}

/// <summary>The tests that only send traffic share one traced platform.</summary>
[CollectionDefinition(Name)]
public sealed class SharedTracedPlatform : ICollectionFixture<TracedPlatform>
{
    public const string Name = "traced platform";
}
