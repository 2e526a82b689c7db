namespace Platform.Topology;

/// <summary>
/// Where everything the platform writes lives: under the state directory (<c>.platform/</c> at the
/// repository root unless <c>PLATFORM_STATE_DIR</c> moves it; the test suite runs whole platforms in
/// throwaway ones). Nothing is started as a system service, so <c>down</c> stops exactly what <c>up</c> started.
/// </summary>
public sealed class StateLayout(string repositoryRoot, string stateDirectory)
{
    /// <summary>The checkout: the folder holding Platform.sln and the repository's configuration files.</summary>
    public string Root { get; } = Path.GetFullPath(repositoryRoot);

    public string State { get; } = Path.GetFullPath(stateDirectory);

    /// <summary>One <c>NAME.pid</c> and <c>NAME.port</c> per running process.</summary>
    public string Pids => Combine("pids");

    public string Logs => Combine("logs");

    public string Log(string process) => Path.Combine(Logs, process + ".log");

    public string MariaDbData => Combine("mariadb");

    /// <summary>
    /// The binary log, apart from the data directory (in production another disk): it survives losing the
    /// data, and restore replays it (see <see cref="Topology.Backups.PointInTimeRestore"/>).
    /// </summary>
    public string MariaDbBinlog => Combine("mariadb-binlog");

    /// <summary>Where <c>./platform backup</c> writes and <c>restore</c> reads, unless <c>--dir</c> names another directory.</summary>
    public string Backups => Combine("backups");

    /// <summary>The <c>fault-restore</c> bench scenario's own backups, apart from the operator's.</summary>
    public string BenchBackups => Combine("bench", "backups");

    /// <summary>Left by a restore: the next backup starts a new chain, as the old one describes another history.</summary>
    public string RestoredMarker => Combine("mariadb-restored");

    /// <summary>node_exporter's textfile collector reads <c>*.prom</c> here (the backup's metrics).</summary>
    public string NodeExporterTextfiles => Combine("node-exporter");

    /// <summary>The server's Unix socket; root logs in through it only, with <see cref="RootPasswordFile"/>.</summary>
    public string MariaDbSocket => Combine("mariadb.sock");

    /// <summary>mariadbd's private temporary directory (see <see cref="Services.MariaDbService"/>).</summary>
    public string MariaDbTemp => Combine("mariadb-tmp");

    /// <summary>Database node <paramref name="node"/>'s data: node 1's is <see cref="MariaDbData"/>, node N's <c>mariadb-N/</c>.</summary>
    public string DatabaseNodeData(int node) => node == 1 ? MariaDbData : Combine(ProcessNames.DatabaseNode(node));

    /// <summary>Database node <paramref name="node"/>'s socket: node 1's is <see cref="MariaDbSocket"/>.</summary>
    public string DatabaseNodeSocket(int node) => node == 1 ? MariaDbSocket : Combine(ProcessNames.DatabaseNode(node) + ".sock");

    /// <summary>Database node <paramref name="node"/>'s tmpdir: node 1's is <see cref="MariaDbTemp"/>.</summary>
    public string DatabaseNodeTemp(int node) => node == 1 ? MariaDbTemp : Combine(ProcessNames.DatabaseNode(node) + "-tmp");

    /// <summary>Database node <paramref name="node"/>'s binary log directory: node 1's is <see cref="MariaDbBinlog"/>.</summary>
    public string DatabaseNodeBinlog(int node) => node == 1 ? MariaDbBinlog : Combine(ProcessNames.DatabaseNode(node) + "-binlog");

    /// <summary>How many database nodes the last <c>up</c> ran (absent: one server).</summary>
    public string DatabaseNodesFile => Combine("db-nodes");

    public string RedisData => Combine("redis");

    /// <summary>
    /// Redis user <paramref name="user"/>'s password (<see cref="Services.RedisUsers"/>), generated once, this
    /// user's only: <c>REDISCLI_AUTH="$(cat .platform/redis-users/operator)" redis-cli --user operator</c>.
    /// </summary>
    public string RedisPasswordFile(string user) => Combine("redis-users", user);

    public string ApiApp => Combine("app", "api");

    public string GatewayApp => Combine("app", "gateway");

    /// <summary>The trace viewer's copy of its NuGet package's folder (tools/TraceViewer's publish output).</summary>
    public string TraceViewerApp => Combine("app", "trace-viewer");

    /// <summary>
    /// The trace viewer's HOME: the keys that sign its login cookie (<c>.aspnet/</c>), so a browser stays logged
    /// in across restarts, and <c>tmp/</c>, where it keeps what it has received while it runs.
    /// </summary>
    public string TraceViewerHome => Combine("trace-viewer");

    /// <summary>
    /// The trace viewer's browser token, OTLP key and API key (<see cref="Services.TraceViewerKeys"/>), one file
    /// each, generated once, this user's only: the login URL is <c>/login?t=</c> the browser token.
    /// </summary>
    public string TraceViewerKeys => Combine("trace-viewer-keys");

    /// <summary>The replicas the gateway routes to; rewritten atomically whenever the set changes, and reloaded by the running gateway.</summary>
    public string DestinationsFile => Combine("gateway", "destinations.json");

    /// <summary>The gateway's API clients (Identity:Clients): written once with the bench clients, then the operator's to edit.</summary>
    public string ClientsFile => Combine("gateway", "clients.json");

    /// <summary>The local certificate authority and the gateway's certificate it signs (<see cref="Files.LocalCertificates"/>).</summary>
    public Files.LocalCertificateFiles Tls => new(Combine("tls"));

    /// <summary>The key the gateway signs X-Client-Identity with and the replicas verify it by: 32 random bytes, base64, this user's only.</summary>
    public string IdentityKeyFile => Combine("identity", "signing-key");

    /// <summary>
    /// MariaDB root's password, generated once, this user's only (every node of a cluster shares it). An
    /// operator logs in with <c>MYSQL_PWD="$(cat .platform/mariadb-root-password)" mariadb -S .platform/mariadb.sock -u root</c>.
    /// </summary>
    public string RootPasswordFile => Combine("mariadb-root-password");

    /// <summary>The 'platform' database user's password.</summary>
    public string PasswordFile => Combine("db-password");

    /// <summary>How many replicas the last <c>up</c> or <c>scale</c> left running.</summary>
    public string ReplicasFile => Combine("replicas");

    /// <summary>Prometheus's configuration, rules and targets files; its time series are in <see cref="PrometheusData"/>.</summary>
    public string PrometheusDirectory => Combine("prometheus");

    public string PrometheusData => Combine("prometheus-data");

    public string AlertmanagerDirectory => Combine("alertmanager");

    public string AlertmanagerData => Combine("alertmanager-data");

    /// <summary>The MariaDB exporter's client settings (its own user and password), this user's only.</summary>
    public string MysqldExporterSettings => Combine("mysqld-exporter.cnf");

    /// <summary>Database node <paramref name="node"/>'s exporter settings: node 1's is <see cref="MysqldExporterSettings"/>.</summary>
    public string MysqldExporterNodeSettings(int node) => node == 1 ? MysqldExporterSettings : Combine(ProcessNames.MysqldExporterNode(node) + ".cnf");

    public string TestResults => Combine("test-results");

    /// <summary>The load scenarios' API keys (<see cref="Files.BenchClients"/>), this user's only.</summary>
    public string BenchKeysFile => Combine("bench", "api-keys.json");

    public string Reports => Combine("reports");

    /// <summary>A path in the repository, e.g. <c>Repository("api", "Database", "mariadb.cnf")</c>.</summary>
    public string Repository(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The path as an operator reads it: relative to the repository when inside it.</summary>
    public string Display(string path)
    {
        var relative = Path.GetRelativePath(Root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private string Combine(params string[] parts) => Path.Combine([State, .. parts]);
}
