using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// The proxies the gateway bench runs, published apart from the platform's own build (Release, into the
/// state directory's bench folder): the gateway of this checkout, the YARP floor, and the gateway as of
/// BENCH_BASELINE (through a temporary git worktree; kept, with its commit, for the next run).
/// </summary>
public sealed class GatewayPublish(StateLayout layout, GatewayArguments run, TextWriter progress)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public string GatewayApp => Path.Combine(layout.State, "bench", "gateway-app");

    public string FloorApp => Path.Combine(layout.State, "bench", "yarp-floor-app");

    public string BaselineApp => Path.Combine(layout.State, "bench", "gateway-baseline-app");

    public async Task GatewayAsync()
    {
        if (!run.Publish && File.Exists(Path.Combine(GatewayApp, "Platform.Gateway.dll")))
        {
            await progress.WriteLineAsync($"==> reusing the gateway published in {layout.Display(GatewayApp)}");
            return;
        }
        await progress.WriteLineAsync($"==> publishing the gateway (dotnet publish -c Release {string.Join(' ', run.PublishArguments)})");
        await PublishAsync(layout.Repository("gateway", "Gateway.csproj"), GatewayApp, Path.Combine(run.Results, "publish.txt"), append: false);
    }

    public async Task FloorAsync()
    {
        if (!run.Publish && File.Exists(Path.Combine(FloorApp, "Platform.YarpFloor.dll")))
            return;
        await progress.WriteLineAsync($"==> publishing the YARP floor (dotnet publish -c Release {string.Join(' ', run.PublishArguments)})");
        await PublishAsync(layout.Repository("tools", "YarpFloor", "YarpFloor.csproj"), FloorApp, Path.Combine(run.Results, "publish-floor.txt"), append: false);
    }

    public async Task BaselineAsync()
    {
        var log = Path.Combine(run.Results, "publish-baseline.txt");
        var (found, commitText) = await GitAsync(["rev-parse", "--verify", "--quiet", run.Baseline + "^{commit}"]);
        var commit = commitText.Trim();
        if (found != 0 || commit.Length == 0)
            throw new PlatformException($"BENCH_BASELINE '{run.Baseline}' is not a commit");
        var stamp = Path.Combine(BaselineApp, "commit");
        if (File.Exists(stamp) && (await File.ReadAllTextAsync(stamp)).Trim() == commit)
        {
            await progress.WriteLineAsync($"==> reusing the baseline gateway of {commit[..7]} in {layout.Display(BaselineApp)}");
            return;
        }
        await progress.WriteLineAsync($"==> publishing the gateway as of {commit[..7]} (dotnet publish -c Release {string.Join(' ', run.PublishArguments)})");
        var tree = Path.Combine(layout.State, "bench", "baseline-tree");
        await GitAsync(["worktree", "remove", "--force", tree]);
        if (Directory.Exists(tree))
            Directory.Delete(tree, recursive: true);
        var (added, output) = await GitAsync(["worktree", "add", "--detach", tree, commit]);
        await File.WriteAllTextAsync(log, output);
        if (added != 0)
            throw new PlatformException($"no worktree for {commit}");
        try
        {
            await PublishAsync(Path.Combine(tree, "gateway", "Gateway.csproj"), BaselineApp, log, append: true);
        }
        finally
        {
            await GitAsync(["worktree", "remove", "--force", tree]);
        }
        await File.WriteAllTextAsync(stamp, commit + "\n");
    }

    private async Task PublishAsync(string project, string app, string log, bool append)
    {
        if (Directory.Exists(app))
            Directory.Delete(app, recursive: true);
        var (exit, output) = await CommandRunner.RunAsync(
            new ServiceCommand(Binaries.Dotnet(), ["publish", project, "-c", "Release", "-o", app, "--nologo", "-v", "quiet", "-clp:NoSummary", .. run.PublishArguments]),
            Timeout);
        if (append)
            await File.AppendAllTextAsync(log, output);
        else
            await File.WriteAllTextAsync(log, output);
        if (exit != 0)
            throw new PlatformException($"dotnet publish failed; see {log}");
    }

    private Task<(int ExitCode, string Output)> GitAsync(IReadOnlyList<string> arguments) =>
        CommandRunner.RunAsync(new ServiceCommand("git", ["-C", layout.Root, .. arguments]), TimeSpan.FromMinutes(2));
}
