using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

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

    /// <summary>The trace viewer's keys, made once into the state directory on first use.</summary>
    public TraceViewerKeys TraceViewerKeys() => Services.TraceViewerKeys.Ensure(Layout.TraceViewerKeys);

    /// <summary>
    /// What the gateway and every replica get to send their traces and logs to the trace viewer: the standard
    /// <c>OTEL_EXPORTER_OTLP_*</c> variables with its OTLP port and key (<see cref="TraceViewerService.Exporter"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> TraceExporter() => TraceViewerService.Exporter(Ports.TraceViewerOtlp, TraceViewerKeys().OtlpKey);

    /// <summary>The 'platform' user's password, as <c>up</c> sets it (PLATFORM_DB_PASSWORD wins and is stored); made once, on first use.</summary>
    public string DatabasePassword() =>
        Secrets.DatabasePassword(Layout.PasswordFile, Environment.GetEnvironmentVariable(PlatformVariables.DatabasePassword));

    // The replicas' ports are not overlaid: theirs follow from the base ports, recorded or not. Only a process's
    // first port is recorded: the trace viewer's OTLP port, like the gateway's TLS and management ports, is the setting's.
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
        TraceViewer = table.RecordedPort(ProcessNames.TraceViewer, ports.TraceViewer),
    };
}
