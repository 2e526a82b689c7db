namespace Platform.Topology;

/// <summary>
/// Every port the platform listens on, all on 127.0.0.1. Replica N serves the API on
/// <see cref="ApiBase"/>+N and its metrics on <see cref="MetricsBase"/>+N; the gateway's management
/// port is the metrics base itself. The trace viewer's UI is <see cref="TraceViewer"/>, and the services send
/// it their traces and logs on <see cref="TraceViewerOtlp"/> (the ports its container image uses too).
/// </summary>
public sealed record PlatformPorts(
    int Gateway,
    int MetricsBase,
    int ApiBase,
    int Database,
    int Redis,
    int Prometheus,
    int Alertmanager,
    int NodeExporter,
    int MysqldExporter,
    int RedisExporter,
    int GatewayTls,
    int TraceViewer,
    int TraceViewerOtlp)
{
    /// <summary>The most replicas a base port leaves room for (replica N on base+N).</summary>
    public const int MaxReplicas = 99;

    /// <summary>The ports an operator gets without setting anything.</summary>
    public static PlatformPorts Defaults { get; } = new(
        Gateway: 8080, MetricsBase: 9100, ApiBase: 5000, Database: 3306, Redis: 6379, Prometheus: 9090,
        Alertmanager: 9093, NodeExporter: 9200, MysqldExporter: 9204, RedisExporter: 9221, GatewayTls: 8443,
        TraceViewer: 18888, TraceViewerOtlp: 18890);

    /// <summary>The gateway's management port (/metrics, /health/*).</summary>
    public int GatewayMetrics => MetricsBase;

    /// <summary>Where replica <paramref name="replica"/> (1-99) serves the API.</summary>
    public int Api(int replica) => ApiBase + replica;

    /// <summary>Replica <paramref name="replica"/>'s management port.</summary>
    public int Metrics(int replica) => MetricsBase + replica;

    /// <summary>The most nodes a database cluster may have: node N listens on 127.0.0.N.</summary>
    public const int MaxDatabaseNodes = 9;

    /// <summary>How many ports above <see cref="Database"/> a cluster of <see cref="MaxDatabaseNodes"/> takes (<see cref="GaleraNode"/>).</summary>
    public const int GaleraPortSpan = 3 * MaxDatabaseNodes;

    /// <summary>Database node <paramref name="node"/>'s Galera ports (<see cref="GaleraNode"/>).</summary>
    public GaleraNodePorts Galera(int node) => GaleraNode(Database, node);

    /// <summary>
    /// Galera's own ports of database node <paramref name="node"/> (1-9) of a cluster whose nodes all serve
    /// SQL on <paramref name="databasePort"/>: group communication, incremental state transfer (IST) and
    /// full state transfer (SST) at databasePort + 3(N-1) + 1, 2 and 3. Each node binds its own address,
    /// but the SST receiver (socat) listens on every address, so no two nodes may share a port.
    /// </summary>
    public static GaleraNodePorts GaleraNode(int databasePort, int node)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(node, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(node, MaxDatabaseNodes);
        var first = databasePort + (3 * (node - 1)) + 1;
        return new GaleraNodePorts(first, first + 1, first + 2);
    }

    /// <summary>The MariaDB exporter of database node <paramref name="node"/>: the exporter port + N - 1.</summary>
    public int MysqldExporterNode(int node) => MysqldExporter + node - 1;
}

/// <summary>One Galera node's own ports, on its own address.</summary>
/// <param name="GroupCommunication">gmcast: the nodes' replication traffic.</param>
/// <param name="IncrementalTransfer">Where it receives an IST (the writesets it missed).</param>
/// <param name="StateTransfer">Where it receives an SST (a whole copy, from mariabackup).</param>
public sealed record GaleraNodePorts(int GroupCommunication, int IncrementalTransfer, int StateTransfer);
