namespace Platform.Topology;

/// <summary>
/// Every port the platform listens on, all on 127.0.0.1. Replica N serves the API on
/// <see cref="ApiBase"/>+N and its metrics on <see cref="MetricsBase"/>+N; the gateway's management
/// port is the metrics base itself.
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
    int RedisExporter)
{
    /// <summary>The most replicas a base port leaves room for (replica N on base+N).</summary>
    public const int MaxReplicas = 99;

    /// <summary>The ports an operator gets without setting anything.</summary>
    public static PlatformPorts Defaults { get; } = new(
        Gateway: 8080, MetricsBase: 9100, ApiBase: 5000, Database: 3306, Redis: 6379, Prometheus: 9090,
        Alertmanager: 9093, NodeExporter: 9200, MysqldExporter: 9204, RedisExporter: 9221);

    /// <summary>The gateway's management port (/metrics, /health/*).</summary>
    public int GatewayMetrics => MetricsBase;

    /// <summary>Where replica <paramref name="replica"/> (1-99) serves the API.</summary>
    public int Api(int replica) => ApiBase + replica;

    /// <summary>Replica <paramref name="replica"/>'s management port.</summary>
    public int Metrics(int replica) => MetricsBase + replica;
}
