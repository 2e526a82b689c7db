using Platform.Testing;
using Platform.Topology.Files;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// One real platform behind one real gateway, shared by the tests that only send traffic: MariaDB,
/// Redis, three API replicas and the gateway, all processes. The gateway also serves HTTPS, as
/// <c>up</c> runs it, with a local CA and certificate of its own (<see cref="Certificates"/>). Tests
/// that kill or stop something start their own, or their own gateway in front of this cluster.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private static readonly string[] Servers = ["mariadbd", "redis-server", LocalCertificates.OpenSsl];

    private readonly ScratchDirectory _tls = ScratchDirectory.Create("gateway-tls-");
    private ApiCluster? _cluster;
    private GatewayProcess? _gateway;

    /// <summary>The gateway's local CA and certificate, made as <c>up</c> makes them.</summary>
    public LocalCertificateFiles Certificates => new(_tls.Path);

    /// <summary>The running cluster; skips the test (fails it under CI=true) when the servers are not installed.</summary>
    public ApiCluster Cluster => _cluster ?? throw Missing();

    /// <summary>The gateway in front of <see cref="Cluster"/>, its destinations named after the replicas.</summary>
    public GatewayProcess Gateway => _gateway ?? throw Missing();

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return; // Each test reports the missing server through Cluster.
        _cluster = await ApiCluster.StartAsync(3);
        await LocalCertificates.EnsureAsync(Certificates);
        // One API client, so the tour over HTTPS runs as the README's does, with a key.
        _gateway = await GatewayProcess.StartAsync(GatewayProcess.DestinationsOf(_cluster.Replicas),
            Identity.IdentitySettings.ClientSettings("acme", Identity.IdentitySettings.AcmeKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage),
            certificates: Certificates);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        _tls.Delete();
    }

    private static InvalidOperationException Missing() => RequiredServer.Missing("cluster", Servers);
}

[CollectionDefinition(Name)]
public sealed class SharedGateway : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
