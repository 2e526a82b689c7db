using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Faults;

/// <summary>One throwaway MariaDB (started as <c>./platform up</c> starts it) for the database stall's own tests.</summary>
public sealed class StallServerFixture : IAsyncLifetime
{
    private static readonly string[] Servers = [MariaDbService.Server, MariaDbService.InstallDb];

    private MariaDbServer? _server;

    /// <summary>The running server; skips the test (fails it under CI=true) when MariaDB is not installed.</summary>
    public MariaDbServer Server => _server ?? throw RequiredServer.Missing("MariaDB", Servers);

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return; // Each test reports the missing server through Server.
        _server = await MariaDbServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
