using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>How Alertmanager (Debian's package) is started: one local instance, no gossip port.</summary>
public static class AlertmanagerService
{
    public const string Server = "prometheus-alertmanager";
    public const string Checker = "amtool";
    public const string ConfigFileName = "alertmanager.yml";

    public static ServiceCommand Start(string configDirectory, string dataDirectory, int port) => new(
        Binaries.Require(Server),
        // An empty cluster address: one local Alertmanager, no gossip port.
        [$"--config.file={Path.Combine(configDirectory, ConfigFileName)}", $"--storage.path={dataDirectory}",
         $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--cluster.listen-address="],
        WorkingDirectory: configDirectory);

    /// <summary>amtool's check of the configuration.</summary>
    public static ServiceCommand Check(string configDirectory) => new(
        Binaries.Require(Checker), ["check-config", Path.Combine(configDirectory, ConfigFileName)]);
}
