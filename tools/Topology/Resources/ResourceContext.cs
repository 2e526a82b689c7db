using Platform.Topology.Files;
using Platform.Topology.Processes;

namespace Platform.Topology.Resources;

/// <summary>What every resource is built from: the settings, the pid files, the narrator, and the ports as they are.</summary>
public sealed class ResourceContext
{
    public ResourceContext(PlatformSettings settings, Narrator narrator)
    {
        Settings = settings;
        Narrator = narrator;
        Table = new ProcessTable(settings.Layout);
        Ports = RunningPorts(settings.Ports, Table);
    }

    public PlatformSettings Settings { get; }

    public Narrator Narrator { get; }

    public ProcessTable Table { get; }

    public StateLayout Layout => Settings.Layout;

    /// <summary>
    /// The settings' ports, except that a server which runs keeps the port it was started on: a replica
    /// started by <c>scale</c> must reach the MariaDB that runs, whatever the variables say now.
    /// </summary>
    public PlatformPorts Ports { get; }

    /// <summary>The 'platform' user's password, as <c>up</c> sets it (PLATFORM_DB_PASSWORD wins and is stored); made once, on first use.</summary>
    public string DatabasePassword() =>
        Secrets.DatabasePassword(Layout.PasswordFile, Environment.GetEnvironmentVariable(PlatformVariables.DatabasePassword));

    // The replicas' ports are not overlaid: theirs follow from the base ports, recorded or not.
    private static PlatformPorts RunningPorts(PlatformPorts ports, ProcessTable table) => ports with
    {
        Gateway = table.RecordedPort(ProcessNames.Gateway, ports.Gateway),
        Database = table.RecordedPort(ProcessNames.MariaDb, ports.Database),
        Redis = table.RecordedPort(ProcessNames.Redis, ports.Redis),
        Prometheus = table.RecordedPort(ProcessNames.Prometheus, ports.Prometheus),
        Alertmanager = table.RecordedPort(ProcessNames.Alertmanager, ports.Alertmanager),
        NodeExporter = table.RecordedPort(ProcessNames.NodeExporter, ports.NodeExporter),
        MysqldExporter = table.RecordedPort(ProcessNames.MysqldExporter, ports.MysqldExporter),
        RedisExporter = table.RecordedPort(ProcessNames.RedisExporter, ports.RedisExporter),
    };
}
