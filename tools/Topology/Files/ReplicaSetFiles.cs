using System.Globalization;
using Platform.Topology.Processes;

namespace Platform.Topology.Files;

/// <summary>The files that say which replicas run: the gateway's destinations, Prometheus's targets and the remembered count.</summary>
public static class ReplicaSetFiles
{
    /// <summary>
    /// Tells the gateway and Prometheus which replicas run (1..<paramref name="replicas"/>) and remembers the
    /// count. Both watch their files and reload them without a restart.
    /// </summary>
    public static void Publish(StateLayout layout, PlatformPorts ports, int replicas)
    {
        DestinationsFile.Write(layout.DestinationsFile, Enumerable.Range(1, replicas).ToDictionary(
            ProcessNames.Replica, n => Probes.Local(ports.Api(n), "")));
        WritePrometheusTargets(layout, ports, replicas);
        AtomicFile.Write(layout.ReplicasFile, replicas.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>The replicas' and the gateway's metrics endpoints, as Prometheus's file discovery reads them.</summary>
    public static void WritePrometheusTargets(StateLayout layout, PlatformPorts ports, int replicas)
    {
        AtomicFile.Write(Path.Combine(layout.PrometheusDirectory, PrometheusConfig.ApiTargets),
            PrometheusTargets.Json(Enumerable.Range(1, replicas).Select(n => Probes.Authority(ports.Metrics(n)))));
        AtomicFile.Write(Path.Combine(layout.PrometheusDirectory, PrometheusConfig.GatewayTargets),
            PrometheusTargets.Json([Probes.Authority(ports.GatewayMetrics)]));
    }
}
