using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Operations;

/// <summary>
/// Publishes the API, the gateway and the trace viewer into the state directory. Publishing overwrites the
/// assemblies a running process has loaded, so while one runs its existing build is reused: 'down' then 'up'
/// deploys new code.
/// </summary>
public sealed class AppBuilds(StateLayout layout, ProcessTable table, Narrator narrator)
{
    public async Task PublishApiAsync()
    {
        if (table.ReplicaNumbers().Any(n => table.RunningPid(ProcessNames.Replica(n)) is not null)
            && File.Exists(Path.Combine(layout.ApiApp, ApiReplicaService.Assembly)))
        {
            narrator.Info("replicas are running: reusing the existing build (run './platform down' first to deploy changes)");
            return;
        }

        narrator.Info("building the API (dotnet publish -c Release)");
        await PublishAsync(layout.Repository("api", "Api.csproj"), layout.ApiApp, ApiReplicaService.Assembly);
    }

    public async Task PublishGatewayAsync()
    {
        if (table.RunningPid(ProcessNames.Gateway) is not null && File.Exists(Path.Combine(layout.GatewayApp, GatewayService.Assembly)))
        {
            narrator.Info("the gateway is running: reusing its build (run './platform down' first to deploy changes)");
            return;
        }

        narrator.Info("building the gateway (dotnet publish -c Release)");
        await PublishAsync(layout.Repository("gateway", "Gateway.csproj"), layout.GatewayApp, GatewayService.Assembly);
    }

    /// <summary>tools/TraceViewer's publish: its NuGet package's folder, copied whole (a copy already there is left as it is).</summary>
    public async Task PublishTraceViewerAsync()
    {
        if (table.RunningPid(ProcessNames.TraceViewer) is not null && File.Exists(Path.Combine(layout.TraceViewerApp, TraceViewerService.Program)))
        {
            narrator.Info("the trace viewer is running: reusing its copy (run './platform down' first to change it)");
            return;
        }

        narrator.Info("copying the trace viewer (dotnet publish tools/TraceViewer)");
        await PublishAsync(layout.Repository("tools", "TraceViewer", "TraceViewer.csproj"), layout.TraceViewerApp, TraceViewerService.Program);
    }

    private async Task PublishAsync(string project, string output, string assembly)
    {
        var (exitCode, text) = await CommandRunner.RunAsync(
            new ServiceCommand(Binaries.Dotnet(), ["publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet", "-clp:NoSummary"]),
            TimeSpan.FromMinutes(10));
        if (exitCode != 0)
        {
            narrator.Output.Write(text);
            throw new PlatformException($"dotnet publish {layout.Display(project)} failed (errors above)");
        }

        if (!File.Exists(Path.Combine(output, assembly)))
        {
            throw new PlatformException($"the build did not produce {layout.Display(Path.Combine(output, assembly))}");
        }
    }
}
