namespace Platform.Topology;

/// <summary>
/// The <c>PLATFORM_*</c> environment variables an operator sets, each named here once, with its default
/// and meaning as the command line's help lists them (<see cref="All"/>); <see cref="PlatformSettings"/>
/// reads them, and docs/configuration.md's ports table is held to the same defaults by a test.
/// </summary>
public static class PlatformVariables
{
    public const string StateDir = "PLATFORM_STATE_DIR";
    public const string Replicas = "PLATFORM_REPLICAS";
    public const string GatewayPort = "PLATFORM_GATEWAY_PORT";
    public const string GatewayTlsPort = "PLATFORM_GATEWAY_TLS_PORT";
    public const string MetricsBasePort = "PLATFORM_METRICS_BASE_PORT";
    public const string ApiBasePort = "PLATFORM_API_BASE_PORT";
    public const string DatabasePort = "PLATFORM_DB_PORT";
    public const string DatabaseNodes = "PLATFORM_DB_NODES";
    public const string RedisPort = "PLATFORM_REDIS_PORT";
    public const string PrometheusPort = "PLATFORM_PROMETHEUS_PORT";
    public const string AlertmanagerPort = "PLATFORM_ALERTMANAGER_PORT";
    public const string NodeExporterPort = "PLATFORM_NODE_EXPORTER_PORT";
    public const string MysqldExporterPort = "PLATFORM_MYSQLD_EXPORTER_PORT";
    public const string RedisExporterPort = "PLATFORM_REDIS_EXPORTER_PORT";
    public const string TraceViewerPort = "PLATFORM_TRACE_VIEWER_PORT";
    public const string TraceViewerOtlpPort = "PLATFORM_TRACE_VIEWER_OTLP_PORT";
    public const string DatabasePassword = "PLATFORM_DB_PASSWORD";
    public const string BackupKeepChains = "PLATFORM_BACKUP_KEEP_CHAINS";
    public const string BackupChainLength = "PLATFORM_BACKUP_CHAIN_LENGTH";

    /// <summary>Every variable, its default as the help shows it, and what it moves.</summary>
    public static IReadOnlyList<(string Name, string Default, string Meaning)> All { get; } = Describe(PlatformPorts.Defaults);

    private static List<(string, string, string)> Describe(PlatformPorts ports)
    {
        static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static string Count(int count) => count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return
        [
            (StateDir, ".platform", "where data, logs, pid files and builds live"),
            (Replicas, $"{PlatformSettings.DefaultReplicas}, or what 'scale' last set", "API replicas (replica N: API base + N, metrics base + N)"),
            (GatewayPort, Port(ports.Gateway), "the gateway, where clients call"),
            (GatewayTlsPort, Port(ports.GatewayTls), "the gateway over HTTPS (certificate of the local CA in .platform/tls/)"),
            (ApiBasePort, Port(ports.ApiBase), "replica N's API port is this + N"),
            (MetricsBasePort, Port(ports.MetricsBase), "the gateway's metrics port; replica N's is this + N"),
            (DatabasePort, Port(ports.Database), "MariaDB (every node of a cluster: node N on 127.0.0.N)"),
            (DatabaseNodes, "1, or what the last 'up' ran", "MariaDB servers: 1, or an odd 3-9 for a Galera cluster"),
            (RedisPort, Port(ports.Redis), "Redis"),
            (PrometheusPort, Port(ports.Prometheus), "Prometheus"),
            (AlertmanagerPort, Port(ports.Alertmanager), "Alertmanager"),
            (NodeExporterPort, Port(ports.NodeExporter), "the host's exporter"),
            (MysqldExporterPort, Port(ports.MysqldExporter), "MariaDB's exporter"),
            (RedisExporterPort, Port(ports.RedisExporter), "Redis's exporter"),
            (TraceViewerPort, Port(ports.TraceViewer), "the trace viewer's UI (log in with the URL 'up' prints)"),
            (TraceViewerOtlpPort, Port(ports.TraceViewerOtlp), "where the services send the trace viewer their traces and logs (OTLP/HTTP)"),
            (DatabasePassword, "generated once, kept in the state directory's db-password", "password of the 'platform' database user"),
            (BackupKeepChains, Count(Backups.BackupPolicy.DefaultKeepChains), "backup chains (a full backup and its incrementals) 'backup' keeps; older ones are deleted once a new full is in place"),
            (BackupChainLength, Count(Backups.BackupPolicy.DefaultChainLength), "incrementals 'backup' takes on one full before it starts a new chain"),
        ];
    }
}
