using System.Globalization;

namespace Platform.Topology;

/// <summary>The names the platform's processes go by: in pid files, logs, status and the load scenarios.</summary>
public static class ProcessNames
{
    public const string MariaDb = "mariadb";
    public const string Redis = "redis";
    public const string Gateway = "gateway";
    public const string Prometheus = "prometheus";
    public const string Alertmanager = "alertmanager";
    public const string NodeExporter = "node-exporter";
    public const string MysqldExporter = "mysqld-exporter";
    public const string RedisExporter = "redis-exporter";
    public const string TraceViewer = "trace-viewer";

    private const string ReplicaPrefix = "api-";

    /// <summary>Database node <paramref name="node"/>: node 1 is <c>mariadb</c>, as the single server is; node N is <c>mariadb-N</c>.</summary>
    public static string DatabaseNode(int node) => Numbered(MariaDb, node);

    /// <summary>Database node <paramref name="node"/>'s exporter: <c>mysqld-exporter</c>, <c>mysqld-exporter-N</c>.</summary>
    public static string MysqldExporterNode(int node) => Numbered(MysqldExporter, node);

    /// <summary>The node of <c>mariadb-N</c> (N ≥ 2), or null for any other name.</summary>
    public static int? DatabaseNodeNumber(string name) => NumberAfter(MariaDb + "-", name) is >= 2 and var n ? n : null;

    /// <summary>The node of <c>mysqld-exporter-N</c> (N ≥ 2), or null for any other name.</summary>
    public static int? MysqldExporterNodeNumber(string name) => NumberAfter(MysqldExporter + "-", name) is >= 2 and var n ? n : null;

    private static string Numbered(string first, int node) => node == 1 ? first : first + "-" + node.ToString(CultureInfo.InvariantCulture);

    private static int? NumberAfter(string prefix, string name) =>
        name.StartsWith(prefix, StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>Replica <paramref name="number"/>'s name, which is also its replica id (X-Replica, the gateway's destination).</summary>
    public static string Replica(int number) => ReplicaPrefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The number of a replica's name (<c>api-2</c> → 2), or null for any other name.</summary>
    public static int? ReplicaNumber(string name) =>
        name.StartsWith(ReplicaPrefix, StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(ReplicaPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && number > 0
            ? number
            : null;
}
