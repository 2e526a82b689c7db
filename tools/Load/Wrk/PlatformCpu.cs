using System.Globalization;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Load.Wrk;

/// <summary>
/// The CPU time a platform's serving processes (gateway, replicas, MariaDB: the request path) have used so
/// far, from their pid files and <c>/proc/PID/stat</c>; a bench takes it before and after a run to price
/// each request in CPU, which req/s alone hides when the machine is not saturated.
/// </summary>
public static class PlatformCpu
{
    /// <summary>
    /// USER_HZ, the unit of utime and stime in /proc/PID/stat: fixed at 100 by the kernel's user ABI on every
    /// architecture .NET runs on (whatever the kernel's own tick rate), which is what getconf CLK_TCK reports.
    /// </summary>
    public const int TicksPerSecond = 100;

    /// <summary>The request path's processes of the platform in <paramref name="layout"/>, by name.</summary>
    public static IReadOnlyList<string> ServingProcesses(StateLayout layout) =>
        [ProcessNames.Gateway, .. new ProcessTable(layout).ReplicaNumbers().Select(ProcessNames.Replica), ProcessNames.MariaDb];

    /// <summary>User and system ticks used so far by the serving processes; one that is gone counts nothing.</summary>
    public static long Ticks(StateLayout layout)
    {
        var table = new ProcessTable(layout);
        return ServingProcesses(layout).Sum(name => table.RecordedPid(name) is { } pid ? TicksOf(pid) : 0);
    }

    /// <summary>utime + stime from one <c>/proc/PID/stat</c> text; 0 when it is not one.</summary>
    public static long TicksFromStat(string stat) => ProcStat.Parse(stat)?.Ticks ?? 0;

    /// <summary>utime + stime of <paramref name="pid"/> so far; 0 when it is gone.</summary>
    public static long TicksOf(int pid) => ProcStat.Read(pid)?.Ticks ?? 0;

    /// <summary>Microseconds of CPU per request for <paramref name="ticks"/> over <paramref name="requests"/> (0 without requests).</summary>
    public static double MicrosecondsPerRequest(long ticks, double requests) =>
        requests > 0 ? ticks / (double)TicksPerSecond / requests * 1e6 : 0;
}
