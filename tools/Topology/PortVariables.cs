namespace Platform.Topology;

/// <summary>
/// The <c>PLATFORM_*</c> variables that move the platform's ports, named once: <see cref="PlatformSettings"/>
/// reads them (defaults in <see cref="PlatformPorts.Defaults"/>), and each resource's endpoints say which one
/// moves them.
/// </summary>
public static class PortVariables
{
    public const string Gateway = "PLATFORM_GATEWAY_PORT";
    public const string MetricsBase = "PLATFORM_METRICS_BASE_PORT";
    public const string ApiBase = "PLATFORM_API_BASE_PORT";
    public const string Database = "PLATFORM_DB_PORT";
    public const string Redis = "PLATFORM_REDIS_PORT";
    public const string Prometheus = "PLATFORM_PROMETHEUS_PORT";
    public const string Alertmanager = "PLATFORM_ALERTMANAGER_PORT";
    public const string NodeExporter = "PLATFORM_NODE_EXPORTER_PORT";
    public const string MysqldExporter = "PLATFORM_MYSQLD_EXPORTER_PORT";
    public const string RedisExporter = "PLATFORM_REDIS_EXPORTER_PORT";
}
