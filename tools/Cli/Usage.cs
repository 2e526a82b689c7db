namespace Platform.Cli;

/// <summary>The root command's description: what the platform is, and the environment every command reads.</summary>
public static class Usage
{
    public const string Description = """
        Runs the platform on this machine: MariaDB, Redis, the Reservations API replicas and the gateway in
        front of them, the servers' exporters, Prometheus and Alertmanager, all on 127.0.0.1, with every piece
        of state (data, logs, pid files, builds) under .platform/.

        Environment (defaults in brackets):
          PLATFORM_GATEWAY_PORT [8080]  the gateway, where clients call; its metrics are on 9100
          PLATFORM_REPLICAS [3, or what 'scale' last set]
                                     API replicas; replica N listens on 5000+N, metrics on 9100+N
          PLATFORM_API_BASE_PORT [5000]  PLATFORM_METRICS_BASE_PORT [9100]  (the gateway's metrics: the base)
          PLATFORM_STATE_DIR [.platform]  where data, logs, pid files and builds live
          PLATFORM_DB_PORT [3306]    MariaDB port        PLATFORM_REDIS_PORT [6379]  Redis port
          PLATFORM_PROMETHEUS_PORT [9090]                PLATFORM_ALERTMANAGER_PORT [9093]
          PLATFORM_NODE_EXPORTER_PORT [9200]  PLATFORM_MYSQLD_EXPORTER_PORT [9204]
          PLATFORM_REDIS_EXPORTER_PORT [9221]            the host's, MariaDB's and Redis's exporters
          PLATFORM_DB_PASSWORD       password of the 'platform' database user
                                     [generated once, kept in .platform/db-password]
        """;
}
