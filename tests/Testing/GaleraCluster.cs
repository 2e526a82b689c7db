using System.Security.Cryptography;
using MySqlConnector;
using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A throwaway Galera cluster of N MariaDB nodes, created, started and provisioned exactly as
/// <c>PLATFORM_DB_NODES=N ./platform up</c> does it (<see cref="GaleraService"/>, <see cref="GaleraStartPlanner"/>):
/// node N on 127.0.0.N at one free port, its Galera ports above it, the repository's mariadb.cnf, a
/// <c>platform</c> and an <c>exporter</c> user with random passwords, root through each node's socket only, with
/// one random password for every node (a state transfer copies the donor's anyway).
/// Kill a node (SIGKILL), start it again (it rejoins and catches up), or stop them all and found the cluster
/// again, to test what the platform does when the database's nodes fail.
/// </summary>
public sealed class GaleraCluster : IAsyncDisposable
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromSeconds(60);

    private readonly ScratchDirectory _directory;
    private readonly GaleraNodeServer[] _nodes;
    private readonly string _appPassword;
    private readonly string _exporterPassword;
    private readonly string _rootPassword;

    private GaleraCluster(ScratchDirectory directory, int nodes, int port, string appPassword, string exporterPassword, string rootPassword)
    {
        _directory = directory;
        _rootPassword = rootPassword;
        Topology = new GaleraTopology(nodes, port);
        _appPassword = appPassword;
        _exporterPassword = exporterPassword;
        _nodes = [.. Enumerable.Range(1, nodes).Select(node => new GaleraNodeServer(Topology, node, NodeFiles(directory, node), rootPassword))];
        AppConnectionString = Topology.ConnectionString(MariaDbService.AppUser, appPassword);
    }

    public GaleraTopology Topology { get; }

    /// <summary>The port every node serves SQL on, each on its own address (127.0.0.N).</summary>
    public int Port => Topology.DatabasePort;

    public int Nodes => _nodes.Length;

    /// <summary>
    /// The <c>platform</c> user over TCP to every node with MySqlConnector's failover (what the replicas are
    /// given): node 1 while it answers, the next one when it does not.
    /// </summary>
    public string AppConnectionString { get; }

    /// <summary>The <c>platform</c> user over TCP to node <paramref name="node"/> alone.</summary>
    public string NodeAppConnectionString(int node) => Single(node, MariaDbService.AppUser, _appPassword, MariaDbService.Database);

    /// <summary>The <c>exporter</c> user over TCP to node <paramref name="node"/> alone, as its exporter logs in.</summary>
    public string ExporterConnectionString(int node) => Single(node, MariaDbService.ExporterUser, _exporterPassword, database: null);

    /// <summary>root through node <paramref name="node"/>'s Unix socket, database <c>platform</c>, unpooled (a node may die between two uses).</summary>
    public string RootConnectionString(int node) => MariaDbService.RootConnectionString(Root(node), MariaDbService.Database);

    /// <summary>root's login to node <paramref name="node"/>.</summary>
    public MariaDbRoot Root(int node) => new(Socket(node), _rootPassword);

    /// <summary>Node <paramref name="node"/>'s socket.</summary>
    public string Socket(int node) => Node(node).Files.Socket;

    /// <summary>Node <paramref name="node"/>'s data directory (deleted on dispose).</summary>
    public string DataDirectory(int node) => Node(node).Files.DataDirectory;

    /// <summary>Node <paramref name="node"/>'s process id while it runs.</summary>
    public int? ProcessId(int node) => Node(node).ProcessId;

    /// <summary>Creates an <paramref name="nodes"/>-node cluster (node 1 founds it, the others join one at a time), provisions it; skips or fails the test when a server binary is missing (see <see cref="RequiredServer"/>).</summary>
    public static async Task<GaleraCluster> StartAsync(int nodes = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, PlatformPorts.MaxDatabaseNodes);
        RequiredServer.LocateAll([MariaDbService.Server, MariaDbService.InstallDb, GaleraService.StateTransferProgram]);
        if (!File.Exists(GaleraService.Provider))
        {
            RequiredServer.Locate(GaleraService.Provider);
        }

        var directory = ScratchDirectory.Create("platform-galera-");
        GaleraCluster cluster;
        try
        {
            // The SQL port and, above it, three Galera ports per node (PlatformPorts.GaleraNode), all free.
            cluster = new GaleraCluster(directory, nodes, FreePort.Block(1 + (3 * nodes)) + 1, RandomPassword(), RandomPassword(), RandomPassword());
        }
        catch
        {
            directory.Delete();
            throw;
        }

        try
        {
            foreach (var node in cluster._nodes)
            {
                await node.InstallAsync();
            }

            await cluster.StartStoppedAsync();
            await MariaDbService.ExecuteAsRootAsync(cluster.Root(1), MariaDbService.ProvisionSql(cluster._appPassword));
            await MariaDbService.ExecuteAsRootAsync(cluster.Root(1), MariaDbService.ExporterSql(cluster._exporterPassword));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills node <paramref name="node"/> with SIGKILL, as a crash would.</summary>
    public Task KillAsync(int node) => Node(node).KillAsync();

    /// <summary>Stops node <paramref name="node"/> gracefully (SIGTERM): it leaves the cluster and saves its position.</summary>
    public Task StopNodeAsync(int node) => Node(node).StopAsync();

    /// <summary>
    /// Starts stopped node <paramref name="node"/> as <c>up</c> would while another runs: it rejoins (from its
    /// recovered position after a crash) and returns once synced.
    /// </summary>
    public async Task StartNodeAsync(int node) => await StartStoppedAsync([node]);

    /// <summary>Starts every stopped node as <c>up</c> would; with none running, the one <see cref="GaleraBootstrap"/> chooses founds the cluster again. Returns its choice, if any.</summary>
    public Task<GaleraBootstrapChoice?> StartStoppedAsync() => StartStoppedAsync(_nodes.Where(n => n.ProcessId is null).Select(n => n.Number).ToList());

    /// <summary>Node <paramref name="node"/>'s wsrep state, or null when it does not answer.</summary>
    public Task<GaleraNodeStatus?> StatusAsync(int node) => GaleraService.StatusAsync(Root(node));

    /// <summary>Waits until node <paramref name="node"/> is synced with a primary cluster of <paramref name="size"/> nodes (all of them unless given); false on timeout.</summary>
    public Task<bool> WaitUntilSyncedAsync(int node, TimeSpan timeout, int? size = null) =>
        Eventually.HoldsAsync(async () => await StatusAsync(node) is { Synced: true } status && status.ClusterSize == (size ?? Nodes), timeout, TimeSpan.FromMilliseconds(200));

    /// <summary>Waits until every running node is synced with a primary cluster of them all; false on timeout.</summary>
    public async Task<bool> WaitUntilAllSyncedAsync(TimeSpan timeout)
    {
        var running = _nodes.Where(n => n.ProcessId is not null).ToList();
        var results = await Task.WhenAll(running.Select(n => WaitUntilSyncedAsync(n.Number, timeout, running.Count)));
        return results.All(synced => synced);
    }

    /// <summary>
    /// Makes node <paramref name="node"/>'s component primary again (<see cref="GaleraService.BootstrapSql"/>):
    /// what an operator does on the most advanced survivor of a cluster that lost its majority.
    /// </summary>
    public Task ForcePrimaryAsync(int node) => MariaDbService.ExecuteAsRootAsync(Root(node), GaleraService.BootstrapSql);

    /// <summary>Node <paramref name="node"/>'s last error log lines and output, for a failure message.</summary>
    public string Diagnostics(int node) => Node(node).DiagnosticsText();

    /// <summary>Kills every node, releases pooled connections and deletes the data.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Reverse())
        {
            await node.DisposeAsync();
        }

        await using (var connection = new MySqlConnection(AppConnectionString))
        {
            await MySqlConnection.ClearPoolAsync(connection);
        }

        _directory.Delete();
    }

    private async Task<GaleraBootstrapChoice?> StartStoppedAsync(IReadOnlyList<int> stopped)
    {
        var plan = await GaleraStartPlanner.PlanAsync(
            MariaDbService.ConfigFile(RepositoryRoot.Path), Topology, stopped, _nodes.Any(n => n.ProcessId is not null),
            node => Node(node).Files, Root, node => _directory.Combine($"node-{node}-recover.log"));
        foreach (var (node, start) in plan.Starts)
        {
            await Node(node).StartAsync(start);
        }

        return plan.Bootstrap;
    }

    private GaleraNodeServer Node(int node) =>
        node >= 1 && node <= _nodes.Length ? _nodes[node - 1] : throw new ArgumentOutOfRangeException(nameof(node), node, $"the cluster has nodes 1 to {_nodes.Length}");

    private string Single(int node, string user, string password, string? database) =>
        new MySqlConnectionStringBuilder(MariaDbService.TcpConnectionString(Port, user, password, database))
        {
            Server = GaleraTopology.Address(node),
            Pooling = false,
        }.ConnectionString;

    private static MariaDbFiles NodeFiles(ScratchDirectory directory, int node)
    {
        var folder = directory.Combine($"node-{node}");
        return new MariaDbFiles(
            Path.Combine(folder, "data"), Path.Combine(folder, "mariadb.sock"), Path.Combine(folder, "tmp"),
            Path.Combine(folder, "mariadb.pid"), Path.Combine(folder, "mariadb.log"), Path.Combine(folder, "binlog"));
    }

    // Hex: the passwords go into SQL and connection strings unescaped.
    private static string RandomPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private sealed class GaleraNodeServer(GaleraTopology topology, int number, MariaDbFiles files, string rootPassword) : RestartableServer
    {
        private GaleraStart _start = GaleraStart.Join;

        public int Number { get; } = number;

        public MariaDbFiles Files { get; } = files;

        public async Task InstallAsync()
        {
            Files.CreateDirectories();
            var (exitCode, output) = await MariaDbService.InstallAsync(Files.DataDirectory, Files.TempDirectory, new MariaDbRoot(Files.Socket, rootPassword), InstallTimeout);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"{MariaDbService.InstallDb} exited with {exitCode}:{Environment.NewLine}{output}");
            }
        }

        public Task StartAsync(GaleraStart start)
        {
            _start = start;
            // A socket left by a killed server would keep the new one from binding.
            File.Delete(Files.Socket);
            return StartAgainAsync();
        }

        public string DiagnosticsText() => Diagnostics();

        protected override string Program => $"mariadbd (Galera node {Number})";

        // A node that joins waits for its copy (IST or SST) before it answers; a graceful stop leaves the cluster first.
        protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(60);

        protected override TimeSpan ProbeInterval => TimeSpan.FromMilliseconds(200);

        protected override ServiceCommand Command() => GaleraService.Start(MariaDbService.ConfigFile(RepositoryRoot.Path), Files, topology, Number, _start);

        protected override Readiness Probe() => GaleraService.Probe(new MariaDbRoot(Files.Socket, rootPassword), Files.Socket);

        protected override string Diagnostics()
        {
            var log = File.Exists(Files.LogFile) ? string.Join(Environment.NewLine, File.ReadLines(Files.LogFile).TakeLast(40)) : "(no log file)";
            return $"--- {Files.LogFile} (tail) ---{Environment.NewLine}{log}{Environment.NewLine}--- output ---{Environment.NewLine}{Output}";
        }
    }
}
