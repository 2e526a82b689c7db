using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Operations;

/// <summary>One process as <c>./platform status</c> shows it.</summary>
public sealed record StatusRow(string Name, int? Pid, int Port, string Health)
{
    public bool Running => Pid is not null;
}

/// <summary>Each of the platform's processes: its pid, port, whether it runs and what its health check answers.</summary>
public static class PlatformStatus
{
    public static async Task<IReadOnlyList<StatusRow>> ReadAsync(PlatformSettings settings)
    {
        var table = new ProcessTable(settings.Layout);
        var ports = settings.Ports;
        var rows = new List<(string Name, int Port, Func<int, Task<string>> Health)>
        {
            (ProcessNames.Gateway, table.RecordedPort(ProcessNames.Gateway, ports.Gateway), _ => Probes.HttpHealthAsync(Probes.Local(ports.GatewayMetrics, "/health/ready"))),
            (ProcessNames.MariaDb, table.RecordedPort(ProcessNames.MariaDb, ports.Database),
                async _ => await MariaDbService.PingAsync(settings.Layout.MariaDbSocket) ? "ping ok" : "no answer"),
            (ProcessNames.Redis, table.RecordedPort(ProcessNames.Redis, ports.Redis), port => RedisService.PingAsync(port)),
        };
        // 1..Replicas, and any other replica with a pid file (one a failed scale left running).
        var replicas = Enumerable.Range(1, settings.Replicas).Concat(table.ReplicaNumbers()).Distinct().Order();
        rows.AddRange(replicas.Select(n =>
            (ProcessNames.Replica(n), ports.Api(n), (Func<int, Task<string>>)(port => Probes.HttpHealthAsync(Probes.Local(port, "/health/ready"))))));
        rows.Add((ProcessNames.Prometheus, ports.Prometheus, port => Probes.HttpHealthAsync(Probes.Local(port, "/-/ready"))));
        rows.Add((ProcessNames.Alertmanager, ports.Alertmanager, port => Probes.HttpHealthAsync(Probes.Local(port, "/-/ready"))));
        rows.AddRange(ProcessNames.Exporters.Select(name =>
            (name, table.RecordedPort(name, ports.Of(name)), (Func<int, Task<string>>)(port => Probes.HttpHealthAsync(Probes.Local(port, "/metrics"))))));

        return await Task.WhenAll(rows.Select(async row => table.RunningPid(row.Name) is { } pid
            ? new StatusRow(row.Name, pid, row.Port, await row.Health(row.Port))
            : new StatusRow(row.Name, null, row.Port, "-")));
    }
}
