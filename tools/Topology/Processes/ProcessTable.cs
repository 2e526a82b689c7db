using System.Globalization;
using Platform.Topology.Files;

namespace Platform.Topology.Processes;

/// <summary>
/// The platform's running processes, by their pid files: <c>pids/NAME.pid</c> holds the server's own pid,
/// <c>pids/NAME.port</c> the port it was started on. A pid counts only while the process lives and its
/// command line carries the name's signature, which guards against a pid file that outlived its process
/// and whose pid now belongs to something else.
/// </summary>
public sealed class ProcessTable(StateLayout layout)
{
    public StateLayout Layout { get; } = layout;

    public string PidFile(string name) => Path.Combine(Layout.Pids, name + ".pid");

    public string PortFile(string name) => Path.Combine(Layout.Pids, name + ".port");

    /// <summary>The names that have a pid file, in order.</summary>
    public IReadOnlyList<string> Names() => Directory.Exists(Layout.Pids)
        ? [.. Directory.EnumerateFiles(Layout.Pids, "*.pid").Select(file => Path.GetFileNameWithoutExtension(file)).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The replica numbers that have a pid file.</summary>
    public IReadOnlyList<int> ReplicaNumbers() => [.. Names().Select(ProcessNames.ReplicaNumber).OfType<int>().Order()];

    /// <summary>The pid of the running process called <paramref name="name"/>, or null; a stale pid file is removed.</summary>
    public int? RunningPid(string name)
    {
        if (!File.Exists(PidFile(name)))
        {
            return null;
        }

        if (RecordedPid(name) is { } pid && IsAlive(pid, Signature(name)))
        {
            return pid;
        }

        Forget(name);
        return null;
    }

    /// <summary>The pid the pid file holds, whatever runs under it now; null when there is none or it is not a pid.</summary>
    public int? RecordedPid(string name) =>
        File.Exists(PidFile(name))
        && int.TryParse(File.ReadAllText(PidFile(name)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    /// <summary>
    /// True while the process the pid file names exists and is not a zombie, whatever its command line: for a
    /// process just started, whose command line is briefly its launcher's (or empty) while it execs.
    /// </summary>
    public bool Exists(string name) => RecordedPid(name) is { } pid && ProcStat.Read(pid)?.State is { } state && state is not ('Z' or 'X');

    /// <summary>The port the running process was started on, or <paramref name="fallback"/>.</summary>
    public int RecordedPort(string name, int fallback) =>
        RunningPid(name) is not null && File.Exists(PortFile(name))
        && int.TryParse(File.ReadAllText(PortFile(name)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : fallback;

    /// <summary>Records a started process.</summary>
    public void Record(string name, int pid, int port)
    {
        PrivateDirectory.Create(Layout.Pids);
        File.WriteAllText(PortFile(name), port.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(PidFile(name), pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>Removes the pid and port files.</summary>
    public void Forget(string name)
    {
        if (Directory.Exists(Layout.Pids))
        {
            File.Delete(PidFile(name));
            File.Delete(PortFile(name));
        }
    }

    /// <summary>What must appear in a process's command line for it to be the one called <paramref name="name"/>.</summary>
    public string Signature(string name) => name switch
    {
        ProcessNames.MariaDb => Services.MariaDbService.Server,
        ProcessNames.Redis => Services.RedisService.Server,
        ProcessNames.Gateway => Services.GatewayService.Assembly,
        ProcessNames.Prometheus => $"--storage.tsdb.path={Layout.PrometheusData}",
        ProcessNames.Alertmanager => $"--storage.path={Layout.AlertmanagerData}",
        ProcessNames.NodeExporter => Services.ExporterServices.Node,
        ProcessNames.MysqldExporter => $"--config.my-cnf={Layout.MysqldExporterSettings}",
        ProcessNames.RedisExporter => Services.ExporterServices.Redis,
        ProcessNames.TraceViewer => Path.Combine(Layout.TraceViewerApp, Services.TraceViewerService.Program),
        _ when ProcessNames.ReplicaNumber(name) is not null => Services.ApiReplicaService.Assembly,
        _ when ProcessNames.DatabaseNodeNumber(name) is { } node => $"--datadir={Layout.DatabaseNodeData(node)}",
        _ when ProcessNames.MysqldExporterNodeNumber(name) is { } node => $"--config.my-cnf={Layout.MysqldExporterNodeSettings(node)}",
        _ => throw new ArgumentException($"no process is called '{name}'", nameof(name)),
    };

    /// <summary>True if <paramref name="pid"/> is a live process (not a zombie) whose command line contains <paramref name="signature"/>.</summary>
    public static bool IsAlive(int pid, string signature)
    {
        if (ProcStat.Read(pid)?.State is not { } state || state is 'Z' or 'X')
        {
            return false;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return commandLine.Contains(signature, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Resident memory of a process in KiB (VmRSS), or null when it is not running.</summary>
    public static long? ResidentKib(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
