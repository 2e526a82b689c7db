using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>How the servers' Prometheus exporters (Debian's packages) are started.</summary>
public static class ExporterServices
{
    public const string Node = "prometheus-node-exporter";
    public const string Mysqld = "prometheus-mysqld-exporter";
    public const string Redis = "prometheus-redis-exporter";

    /// <summary>
    /// The host's figures the alerts and dashboards read, nothing else, and the <c>*.prom</c> files in
    /// <paramref name="textfileDirectory"/>: what a command that exits (the backup) leaves for Prometheus.
    /// </summary>
    public static ServiceCommand NodeExporter(int port, string textfileDirectory) => new(
        Binaries.Require(Node),
        [$"--web.listen-address={Listen(port)}", "--collector.disable-defaults", "--collector.filesystem",
         "--collector.meminfo", "--collector.cpu", "--collector.loadavg", "--collector.diskstats",
         "--collector.textfile", $"--collector.textfile.directory={textfileDirectory}"]);

    /// <summary>
    /// MariaDB's exporter, logged in as the <c>exporter</c> user from <paramref name="settingsFile"/>
    /// (<see cref="Files.ExporterLogin"/>). The processlist collector is what names a stall's cause
    /// (sessions waiting for a lock); replication status and InnoDB page compression are left out.
    /// </summary>
    public static ServiceCommand MysqldExporter(int port, string settingsFile) => new(
        Binaries.Require(Mysqld),
        [$"--config.my-cnf={settingsFile}", $"--web.listen-address={Listen(port)}",
         "--collect.info_schema.processlist", "--no-collect.slave_status",
         "--no-collect.info_schema.innodb_cmp", "--no-collect.info_schema.innodb_cmpmem"]);

    /// <summary>
    /// Redis's exporter, watching the reservations event stream's length, logged in as Redis's read-only
    /// <c>exporter</c> user (<see cref="RedisUsers"/>). Its user and password go in the environment
    /// (REDIS_USER, REDIS_PASSWORD), which only this user can read; a flag would show them in <c>ps</c>.
    /// </summary>
    public static ServiceCommand RedisExporter(int port, int redisPort, string password) => new(
        Binaries.Require(Redis),
        [$"-redis.addr=redis://127.0.0.1:{redisPort.ToString(CultureInfo.InvariantCulture)}", $"-web.listen-address={Listen(port)}",
         $"-check-single-streams=db0={RedisUsers.EventStream}"],
        new Dictionary<string, string> { ["REDIS_USER"] = RedisUsers.Exporter, ["REDIS_PASSWORD"] = password });

    private static string Listen(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
