using System.Globalization;
using System.Text.RegularExpressions;
using MySqlConnector;
using Platform.Topology.Processes;

namespace Platform.Topology.Services;

/// <summary>
/// A Galera cluster of <paramref name="Nodes"/> MariaDB servers on this machine's loopback. Node N serves SQL
/// on its own address, 127.0.0.N, at the one <paramref name="DatabasePort"/>: MySqlConnector's multi-host
/// list takes one port for every host. Its own Galera ports follow <see cref="PlatformPorts.GaleraNode"/>.
/// </summary>
public sealed record GaleraTopology(int Nodes, int DatabasePort)
{
    /// <summary>Node <paramref name="node"/>'s loopback address (Linux routes all of 127.0.0.0/8 to lo).</summary>
    public static string Address(int node) => "127.0.0." + node.ToString(CultureInfo.InvariantCulture);

    public GaleraNodePorts Ports(int node) => PlatformPorts.GaleraNode(DatabasePort, node);

    /// <summary>Every node's group communication address: a node joins whichever of them answers.</summary>
    public string ClusterAddress => "gcomm://" + string.Join(',', Enumerable.Range(1, Nodes).Select(node => Endpoint(node, Ports(node).GroupCommunication)));

    /// <summary>
    /// How long a pooled connection to a cluster lives. Connections opened while node 1 was away stay on
    /// the next node after it rejoins, and two nodes taking writes at once conflict at certification:
    /// after a kill and a rejoin, four minutes of creates met 4,818 deadlock errors (1213) until the
    /// replicas restarted. Recycled this often, every connection is back on the first node within it.
    /// </summary>
    public const int ConnectionLifetimeSeconds = 30;

    /// <summary>
    /// A user over TCP to every node, in order, with MySqlConnector's own failover: each new connection tries
    /// node 1 first and the next only when one refuses, so writes go to one node at a time (the first alive)
    /// and move on when it dies; connections are recycled (<see cref="ConnectionLifetimeSeconds"/>) so they
    /// come back when it returns. One node: the single server's connection string, unchanged.
    /// </summary>
    public string ConnectionString(string user, string password, string? database = MariaDbService.Database)
    {
        if (Nodes == 1)
        {
            return MariaDbService.TcpConnectionString(DatabasePort, user, password, database);
        }

        return new MySqlConnectionStringBuilder(MariaDbService.TcpConnectionString(DatabasePort, user, password, database))
        {
            Server = string.Join(',', Enumerable.Range(1, Nodes).Select(Address)),
            LoadBalance = MySqlLoadBalance.FailOver,
            ConnectionLifeTime = ConnectionLifetimeSeconds,
        }.ConnectionString;
    }

    internal static string Endpoint(int node, int port) => Address(node) + ":" + port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How a node starts: the one that founds (or refounds) the cluster, or one that joins, from a recovered position or its own saved state.</summary>
/// <param name="NewCluster">Found the cluster (<c>--wsrep-new-cluster</c>): only with every other node stopped.</param>
/// <param name="Position">After a crash, the <c>uuid:seqno</c> its data holds (<c>--wsrep-recover</c>), so it asks for the writesets it missed (IST) instead of a whole copy.</param>
public sealed record GaleraStart(bool NewCluster = false, string? Position = null)
{
    public static GaleraStart Join { get; } = new();
}

/// <summary>What a node says about itself: <c>wsrep_local_state_comment</c>, <c>wsrep_cluster_status</c>, <c>wsrep_cluster_size</c>.</summary>
public sealed record GaleraNodeStatus(string State, string ClusterStatus, int ClusterSize)
{
    /// <summary>Takes writes: synced with a cluster that has a majority.</summary>
    public bool Synced => State == "Synced" && ClusterStatus == "Primary";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{State}, {ClusterStatus}, {ClusterSize} node{(ClusterSize == 1 ? "" : "s")}");
}

/// <summary>
/// How a Galera node is started, for <c>./platform up</c> and for the tests' throwaway clusters alike: the
/// single server's command (<see cref="MariaDbService.Start"/>, the repository's mariadb.cnf) with the node's
/// own address and the wsrep settings added, so everything else stays what the single server does.
/// </summary>
public static class GaleraService
{
    public const string Provider = "/usr/lib/galera/libgalera_smm.so";

    public const string ClusterName = "platform";

    /// <summary>
    /// Full state transfers copy with mariabackup: rsync's daemon, started as root, drops to <c>nobody</c>
    /// and cannot write the joiner's data directory; mariabackup also leaves the donor taking writes. Its
    /// script runs the same program backups do.
    /// </summary>
    public const string StateTransferProgram = MariaDbBackupService.Backup;

    /// <summary>What an operator runs on the most advanced survivor of a cluster that lost its majority.</summary>
    public const string BootstrapSql = "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'";

    /// <summary>
    /// The settings every node shares, whoever starts it (compose passes the same): row-based replication
    /// and interleaved auto-increment locks are what Galera requires; the name keeps a stray node of
    /// another cluster out.
    /// </summary>
    public static IReadOnlyList<string> SharedSettings { get; } =
    [
        "--wsrep-on=ON", $"--wsrep-provider={Provider}", $"--wsrep-cluster-name={ClusterName}",
        "--binlog-format=ROW", "--innodb-autoinc-lock-mode=2", "--wsrep-sst-method=mariabackup",
    ];

    private static readonly Regex RecoveredPosition = new(@"WSREP: Recovered position:? ([0-9a-f-]{36}:-?\d+)", RegexOptions.CultureInvariant);

    /// <summary>
    /// The files of <c>./platform up</c>'s node <paramref name="node"/>: node 1 keeps the single server's
    /// (<see cref="MariaDbService.Files"/>), node N has <c>mariadb-N/</c>, <c>mariadb-N.sock</c>, <c>mariadb-N-binlog/</c>, its own log.
    /// </summary>
    public static MariaDbFiles Files(StateLayout layout, int node) => node == 1
        ? MariaDbService.Files(layout)
        : new(layout.DatabaseNodeData(node), layout.DatabaseNodeSocket(node), layout.DatabaseNodeTemp(node),
            Path.Combine(layout.DatabaseNodeData(node), "mariadbd.pid"), layout.Log(ProcessNames.DatabaseNode(node)),
            layout.DatabaseNodeBinlog(node));

    /// <summary>Node <paramref name="node"/> of <paramref name="cluster"/>.</summary>
    public static ServiceCommand Start(string configFile, MariaDbFiles files, GaleraTopology cluster, int node, GaleraStart start)
    {
        // A joiner that needs a whole copy cannot get one without it.
        Binaries.Require(StateTransferProgram);
        var single = MariaDbService.Start(configFile, files, cluster.DatabasePort);
        List<string> extra = [.. NodeSettings(cluster, node)];
        if (start.NewCluster)
        {
            extra.Add("--wsrep-new-cluster");
        }

        if (start.Position is { } position)
        {
            extra.Add($"--wsrep-start-position={position}");
        }

        return single with { Arguments = [.. single.Arguments, .. extra] };
    }

    /// <summary>
    /// Reads the position node <paramref name="node"/>'s data holds after a crash and exits (<c>--wsrep-recover</c>),
    /// writing it to <paramref name="logFile"/>, where <see cref="ReadRecoveredPosition"/> finds it.
    /// </summary>
    public static ServiceCommand Recover(string configFile, MariaDbFiles files, GaleraTopology cluster, int node, string logFile)
    {
        var start = Start(configFile, files, cluster, node, GaleraStart.Join);
        // The later --log-error wins over the one the start command gives.
        return start with { Arguments = [.. start.Arguments, "--wsrep-recover", $"--log-error={logFile}"] };
    }

    /// <summary>The <c>uuid:seqno</c> a recovery run logged, or null.</summary>
    public static string? ReadRecoveredPosition(string logText) =>
        RecoveredPosition.Matches(logText).LastOrDefault()?.Groups[1].Value;

    /// <summary>Runs a recovery of node <paramref name="node"/> (bounded) and returns its position.</summary>
    /// <exception cref="PlatformException">The recovery failed or logged no position.</exception>
    public static async Task<string> RecoverPositionAsync(string configFile, MariaDbFiles files, GaleraTopology cluster, int node, string logFile)
    {
        File.Delete(logFile);
        var (exitCode, output) = await CommandRunner.RunAsync(Recover(configFile, files, cluster, node, logFile), TimeSpan.FromMinutes(5));
        var log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile) : "";
        return exitCode == 0 && ReadRecoveredPosition(log) is { } position
            ? position
            : throw new PlatformException($"could not recover database node {node}'s position (--wsrep-recover exited {exitCode}); see {logFile}{(output.Length > 0 ? ": " + output.Trim() : "")}");
    }

    /// <summary>The node's wsrep state, asked as root through its socket; null when it does not answer.</summary>
    public static async Task<GaleraNodeStatus?> StatusAsync(MariaDbRoot root, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await MariaDbService.OpenRootAsync(root, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')";
            command.CommandTimeout = 5;
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    values[reader.GetString(0)] = reader.GetString(1);
                }
            }

            return new GaleraNodeStatus(
                values.GetValueOrDefault("wsrep_local_state_comment", "?"),
                values.GetValueOrDefault("wsrep_cluster_status", "?"),
                int.TryParse(values.GetValueOrDefault("wsrep_cluster_size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ready when root logs in through <paramref name="root"/>'s socket and the node is synced with a primary
    /// cluster; the answer is its wsrep state. A synced node is then given root's login for the state
    /// transfers it donates (<see cref="DonorLoginAsync"/>).
    /// </summary>
    /// <param name="shownAs">How messages show the socket's path.</param>
    public static Readiness Probe(MariaDbRoot root, string shownAs) => new(
        $"synced with the cluster, asked on {shownAs}",
        async () => await StatusAsync(root) is { } status ? (status.Synced && await DonorLoginAsync(root) ? status.ToString() : status + ", no donor login yet") : "no answer",
        answer => answer.StartsWith("Synced, Primary", StringComparison.Ordinal) && !answer.EndsWith("yet", StringComparison.Ordinal));

    /// <summary>
    /// A donor's mariabackup logs in as root through the node's socket with <c>wsrep_sst_auth</c>. Set here,
    /// on the running node, rather than as a server option: mariadbd's command line is every local user's
    /// to read (<c>ps</c>), and the server takes no second settings file beside the repository's. Every node
    /// is probed once it starts, so every node that can donate has it; false when it could not be set.
    /// </summary>
    public static async Task<bool> DonorLoginAsync(MariaDbRoot root)
    {
        try
        {
            await using var connection = await MariaDbService.OpenRootAsync(root);
            await using var command = connection.CreateCommand();
            command.CommandText = "SET GLOBAL wsrep_sst_auth = @login";
            command.Parameters.AddWithValue("@login", "root:" + root.Password);
            command.CommandTimeout = 5;
            await command.ExecuteNonQueryAsync();
            return true;
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    // The node's own address and ports; the single server's --bind-address=127.0.0.1 comes earlier and loses.
    private static IEnumerable<string> NodeSettings(GaleraTopology cluster, int node)
    {
        var ports = cluster.Ports(node);
        var address = GaleraTopology.Address(node);
        return
        [
            .. SharedSettings,
            $"--bind-address={address}",
            $"--wsrep-node-name=node-{node.ToString(CultureInfo.InvariantCulture)}",
            $"--wsrep-node-address={GaleraTopology.Endpoint(node, ports.GroupCommunication)}",
            $"--wsrep-cluster-address={cluster.ClusterAddress}",
            $"--wsrep-provider-options=gmcast.listen_addr=tcp://{GaleraTopology.Endpoint(node, ports.GroupCommunication)};ist.recv_addr={GaleraTopology.Endpoint(node, ports.IncrementalTransfer)}",
            $"--wsrep-sst-receive-address={GaleraTopology.Endpoint(node, ports.StateTransfer)}",
            // No --wsrep-sst-auth: it would show root's password to every local user; see DonorLoginAsync.
        ];
    }
}
