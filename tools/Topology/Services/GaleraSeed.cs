using Platform.Topology.Processes;

namespace Platform.Topology.Services;

/// <summary>
/// A new cluster's joiners start as copies of the founder's data, so they catch up by IST (a few writesets,
/// well under a second) instead of a whole copy each: mariabackup's state transfer script pauses a fixed
/// 10 s before every copy it sends, and a new three-node cluster paid that twice. Galera's own way to
/// clone a node: the founder founds the cluster once and stops cleanly, so its data and grastate.dat carry
/// the cluster's id and position; a copy of that data joins as a node that is only a few writesets behind.
/// </summary>
public static class GaleraSeed
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>What the copies leave out: the founder's writeset cache (recreated), its view of the last membership and its pid file.</summary>
    private static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal) { "galera.cache", "gvwstate.dat", "mariadbd.pid" };

    /// <summary>
    /// True for a cluster that has never run: more than one node, none running and none with a grastate.dat.
    /// The joiners' data directories then hold nothing of their own (a fresh install) and are replaced, as a
    /// state transfer would replace them.
    /// </summary>
    public static bool Applies(GaleraTopology cluster, IReadOnlyList<int> stopped, bool anyRunning, Func<int, MariaDbFiles> files)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(stopped);
        ArgumentNullException.ThrowIfNull(files);
        return cluster.Nodes > 1 && !anyRunning && stopped.Count == cluster.Nodes
            && stopped.All(node => GaleraState.Read(files(node).DataDirectory) is null);
    }

    /// <summary>
    /// Founds the cluster on <paramref name="founder"/>, stops it cleanly, and makes every other node's data
    /// directory a copy of its data, marked not safe to bootstrap from. Afterwards the founder is the one
    /// safe to found the cluster again (<see cref="GaleraBootstrap"/>) and the others join it.
    /// </summary>
    /// <exception cref="PlatformException">The founder did not start, sync or stop cleanly in time.</exception>
    /// <param name="root">How root logs in to the founder.</param>
    public static async Task SeedAsync(string configFile, GaleraTopology cluster, int founder, Func<int, MariaDbFiles> files, MariaDbRoot root)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(files);
        var source = files(founder);
        await FoundAndStopAsync(configFile, cluster, founder, source, root);
        foreach (var node in Enumerable.Range(1, cluster.Nodes).Where(node => node != founder))
        {
            var target = files(node).DataDirectory;
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Copy(source.DataDirectory, target);
            GaleraState.SetSafeToBootstrap(target, safe: false);
        }
    }

    private static async Task FoundAndStopAsync(string configFile, GaleraTopology cluster, int founder, MariaDbFiles files, MariaDbRoot root)
    {
        File.Delete(files.Socket);
        var run = CommandRunner.RunAsync(GaleraService.Start(configFile, files, cluster, founder, new GaleraStart(NewCluster: true)), Timeout);
        var deadline = DateTime.UtcNow + Timeout;
        while (!run.IsCompleted && DateTime.UtcNow < deadline && await GaleraService.StatusAsync(root) is not { Synced: true })
        {
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }

        // Stopped whether it synced or not: a founder that never synced fails below, with its log named.
        if (!run.IsCompleted && ReadPid(files.PidFile) is { } pid)
        {
            Signals.TrySend(pid, Signals.Terminate);
        }

        var (exitCode, output) = await run;
        if (exitCode != 0 || GaleraState.Read(files.DataDirectory) is not { Crashed: false, SafeToBootstrap: true })
        {
            throw new PlatformException(
                $"database node {founder} did not found the new cluster and stop cleanly (exit {exitCode}); see {files.LogFile}{(output.Length > 0 ? ": " + output.Trim() : "")}");
        }
    }

    private static int? ReadPid(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) ? pid : null;

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source).Where(file => !NotCopied.Contains(Path.GetFileName(file))))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            Copy(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
