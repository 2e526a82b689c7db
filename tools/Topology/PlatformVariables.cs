namespace Platform.Topology;

/// <summary>
/// The names of the <c>PLATFORM_*</c> environment variables an operator sets, each defined here once;
/// what they mean and their defaults are docs/configuration.md's, read by <see cref="PlatformSettings"/>.
/// </summary>
public static class PlatformVariables
{
    public const string StateDir = "PLATFORM_STATE_DIR";
    public const string Replicas = "PLATFORM_REPLICAS";
    public const string GatewayPort = "PLATFORM_GATEWAY_PORT";
    public const string MetricsBasePort = "PLATFORM_METRICS_BASE_PORT";
    public const string ApiBasePort = "PLATFORM_API_BASE_PORT";
    public const string DatabasePort = "PLATFORM_DB_PORT";
    public const string RedisPort = "PLATFORM_REDIS_PORT";
    public const string PrometheusPort = "PLATFORM_PROMETHEUS_PORT";
    public const string AlertmanagerPort = "PLATFORM_ALERTMANAGER_PORT";
    public const string NodeExporterPort = "PLATFORM_NODE_EXPORTER_PORT";
    public const string MysqldExporterPort = "PLATFORM_MYSQLD_EXPORTER_PORT";
    public const string RedisExporterPort = "PLATFORM_REDIS_EXPORTER_PORT";
    public const string DatabasePassword = "PLATFORM_DB_PASSWORD";
}
