using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>
/// How Prometheus (Debian's package) is started: configuration and data in the given directories, lifecycle API
/// on, and exemplars kept: a histogram observation made inside a trace carries its trace id, which Grafana's
/// latency panels link to the trace viewer (<c>GET /api/v1/query_exemplars</c>).
/// </summary>
public static class PrometheusService
{
    public const string Server = "prometheus";
    public const string Checker = "promtool";
    public const string ConfigFileName = "prometheus.yml";

    /// <summary>Keeps exemplars in memory (100,000 by default; 2.42 still calls the feature experimental).</summary>
    public const string ExemplarStorage = "--enable-feature=exemplar-storage";

    public static ServiceCommand Start(string configDirectory, string dataDirectory, int port) => new(
        Binaries.Require(Server),
        [$"--config.file={Path.Combine(configDirectory, ConfigFileName)}", $"--storage.tsdb.path={dataDirectory}",
         "--storage.tsdb.retention.time=15d", $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
         "--web.enable-lifecycle", ExemplarStorage],
        WorkingDirectory: configDirectory);

    /// <summary>promtool's check of a configuration and the rule files it names.</summary>
    public static ServiceCommand Check(string configDirectory) => new(
        Binaries.Require(Checker), ["check", "config", Path.Combine(configDirectory, ConfigFileName)]);
}
