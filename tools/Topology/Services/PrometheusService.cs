using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>How Prometheus (Debian's package) is started: configuration and data in the given directories, lifecycle API on.</summary>
public static class PrometheusService
{
    public const string Server = "prometheus";
    public const string Checker = "promtool";
    public const string ConfigFileName = "prometheus.yml";

    public static ServiceCommand Start(string configDirectory, string dataDirectory, int port) => new(
        Binaries.Require(Server),
        [$"--config.file={Path.Combine(configDirectory, ConfigFileName)}", $"--storage.tsdb.path={dataDirectory}",
         "--storage.tsdb.retention.time=15d", $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
         "--web.enable-lifecycle"],
        WorkingDirectory: configDirectory);

    /// <summary>promtool's check of a configuration and the rule files it names.</summary>
    public static ServiceCommand Check(string configDirectory) => new(
        Binaries.Require(Checker), ["check", "config", Path.Combine(configDirectory, ConfigFileName)]);
}
