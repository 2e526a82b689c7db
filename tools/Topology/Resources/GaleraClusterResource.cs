using System.Globalization;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// MariaDB as a Galera cluster of <c>PLATFORM_DB_NODES</c> nodes (<see cref="GaleraService"/>): node 1 keeps the
/// single server's files and name (<c>mariadb</c>), node N is <c>mariadb-N</c> on 127.0.0.N at the same port.
/// With no node running, the one <see cref="GaleraStartPlanner"/> chooses founds the cluster and the others
/// join it one at a time; with one running, the missing ones join and catch up by themselves. Stopped one
/// at a time, the last first. The database and its users are provisioned once all are synced, as the single
/// server's are; the cluster replicates them.
/// </summary>
public sealed class GaleraClusterResource(ResourceContext context) : PlatformResource
{
    private readonly Dictionary<int, GaleraStart> _starts = [];
    private IReadOnlyList<int> _order = [];

    private StateLayout Layout => context.Layout;

    private int Nodes => context.Settings.DatabaseNodes;

    private GaleraTopology Cluster => new(Nodes, context.Ports.Database);

    public override string Name => ProcessNames.MariaDb;

    public override ResourceKind Kind => ResourceKind.Data;

    // As the single server: a clean shutdown (leaving the cluster, saving its position) is always tried first.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(120);

    public override bool OneAtATime => true;

    public override IReadOnlyList<ResourceInstance> Instances => [.. Enumerable.Range(1, Nodes).Select(Instance)];

    /// <summary>Those <c>up</c> starts and any other node with a pid file (one of a larger cluster run before).</summary>
    public override IReadOnlyList<ResourceInstance> KnownInstances =>
        [.. Enumerable.Range(1, Nodes).Concat(RecordedNodes(context.Table)).Distinct().Order().Select(Instance)];

    /// <summary>The nodes 2..N with a pid file.</summary>
    public static IEnumerable<int> RecordedNodes(ProcessTable table) => table.Names().Select(ProcessNames.DatabaseNodeNumber).OfType<int>();

    /// <summary>
    /// Refuses a single server while nodes of a cluster run (<c>PLATFORM_DB_NODES=1</c> after a cluster):
    /// they would go on without node 1, and <c>down</c> would no longer stop them.
    /// </summary>
    /// <exception cref="PlatformException">A node 2..N runs.</exception>
    public static void RequireNoClusterNodes(ResourceContext context)
    {
        if (RecordedNodes(context.Table).FirstOrDefault(node => context.Table.RunningPid(ProcessNames.DatabaseNode(node)) is not null) is > 0 and var running)
        {
            throw new PlatformException(
                $"{ProcessNames.DatabaseNode(running)} runs: the database is a cluster; stop it with './platform down' (without {PlatformVariables.DatabaseNodes}) before running one server");
        }

        File.Delete(context.Layout.DatabaseNodesFile);
    }

    public override Task ConfigureAsync()
    {
        if (!File.Exists(MariaDbService.ConfigFile(Layout.Root)))
        {
            throw new PlatformException($"missing {Layout.Display(MariaDbService.ConfigFile(Layout.Root))}");
        }

        if (!File.Exists(GaleraService.Provider))
        {
            throw new PlatformException($"the Galera library {GaleraService.Provider} is missing; it comes with the Debian package galera-4, which mariadb-server installs");
        }

        // Remembered so that 'down' and 'status' without the variable find every node.
        AtomicFile.Write(Layout.DatabaseNodesFile, Nodes.ToString(CultureInfo.InvariantCulture) + "\n");
        return Task.CompletedTask;
    }

    public override async Task PrepareAsync()
    {
        var running = Enumerable.Range(1, Nodes).Where(IsRunning).ToList();
        var stopped = Enumerable.Range(1, Nodes).Except(running).ToList();
        if (running.Count > 0)
        {
            await RequirePrimaryAsync(running);
        }

        foreach (var node in stopped)
        {
            var files = GaleraService.Files(Layout, node);
            await MariaDbResource.InitialiseAsync(context, files, ProcessNames.DatabaseNode(node));
            // A socket file left by a node that did not stop cleanly would keep the new one from binding.
            File.Delete(files.Socket);
            files.CreateDirectories();
        }

        var plan = await GaleraStartPlanner.PlanAsync(
            MariaDbService.ConfigFile(Layout.Root), Cluster, stopped, running.Count > 0,
            node => GaleraService.Files(Layout, node), node => MariaDbService.Root(Layout, node), node => Layout.Log(ProcessNames.DatabaseNode(node) + "-recover"));
        if (plan.Bootstrap is { } bootstrap)
        {
            context.Narrator.Info($"{ProcessNames.DatabaseNode(bootstrap.Node)} founds the cluster: {bootstrap.Reason}");
        }

        foreach (var (node, start) in plan.Starts.Where(s => s.Start.Position is not null))
        {
            context.Narrator.Info($"{ProcessNames.DatabaseNode(node)} did not stop cleanly; it rejoins from its recovered position {start.Position}");
        }

        _starts.Clear();
        foreach (var (node, start) in plan.Starts)
        {
            _starts[node] = start;
        }

        _order = [.. plan.Starts.Select(s => s.Node)];
    }

    public override IReadOnlyList<ResourceInstance> StartOrder(IReadOnlyList<ResourceInstance> stopped) =>
        [.. stopped.OrderBy(instance => IndexOf(_order, NodeOf(instance.Name)))];

    /// <summary>The database and its users, through the first node (the cluster replicates them).</summary>
    public override async Task OnReadyAsync()
    {
        try
        {
            await MariaDbService.ExecuteAsRootAsync(MariaDbService.Root(Layout, 1), MariaDbService.ProvisionSql(context.DatabasePassword()));
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new PlatformException($"could not create the 'platform' database and user: {e.Message}", e);
        }
    }

    public override void OnStopped()
    {
        foreach (var node in Enumerable.Range(1, PlatformPorts.MaxDatabaseNodes))
        {
            if (File.Exists(Layout.DatabaseNodeSocket(node)))
            {
                File.Delete(Layout.DatabaseNodeSocket(node));
            }
        }
    }

    // Joiners of a component without a majority would wait forever: say what restores it instead.
    private async Task RequirePrimaryAsync(IReadOnlyList<int> running)
    {
        var statuses = await Task.WhenAll(running.Select(async node => (Node: node, Status: await GaleraService.StatusAsync(MariaDbService.Root(Layout, node)))));
        if (statuses.Any(s => s.Status is { ClusterStatus: "Primary" }))
        {
            return;
        }

        var seen = string.Join(", ", statuses.Select(s => $"{ProcessNames.DatabaseNode(s.Node)}: {s.Status?.ToString() ?? "no answer"}"));
        throw new PlatformException(
            $"the running database nodes have no majority ({seen}); on the most advanced of them run \"{GaleraService.BootstrapSql}\" "
            + "(docs/runbook.md, MariaDbClusterSizeLow), then './platform up' again");
    }

    private bool IsRunning(int node) => context.Table.RunningPid(ProcessNames.DatabaseNode(node)) is not null;

    private ResourceInstance Instance(int node)
    {
        var address = GaleraTopology.Address(node);
        var galera = Cluster.Ports(node);
        var socket = Layout.DatabaseNodeSocket(node);
        return new ResourceInstance(ProcessNames.DatabaseNode(node), $"MariaDB node {node.ToString(CultureInfo.InvariantCulture)}",
            [
                new("tcp", context.Ports.Database, PlatformVariables.DatabasePort, PlatformPorts.Defaults.Database, address),
                new("galera", galera.GroupCommunication, PlatformVariables.DatabasePort, PlatformPorts.Defaults.Galera(node).GroupCommunication, address),
                new("ist", galera.IncrementalTransfer, PlatformVariables.DatabasePort, PlatformPorts.Defaults.Galera(node).IncrementalTransfer, address),
                new("sst", galera.StateTransfer, PlatformVariables.DatabasePort, PlatformPorts.Defaults.Galera(node).StateTransfer, address),
            ],
            GaleraService.Probe(MariaDbService.Root(Layout, node), Layout.Display(socket)),
            () => GaleraService.Start(MariaDbService.ConfigFile(Layout.Root), GaleraService.Files(Layout, node), Cluster, node,
                _starts.GetValueOrDefault(node, GaleraStart.Join)));
    }

    private static int NodeOf(string name) => name == ProcessNames.MariaDb ? 1 : ProcessNames.DatabaseNodeNumber(name) ?? int.MaxValue;

    private static int IndexOf(IReadOnlyList<int> order, int node)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == node)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
