using System.Globalization;

namespace Platform.Topology.Processes;

/// <summary>
/// What <c>/proc/PID/stat</c> says of a process, read in one place: its state letter (R, S, D, T while
/// stopped, Z, …), its parent, and the CPU it has used (utime + stime, in clock ticks).
/// </summary>
public sealed record ProcStat(char State, int ParentPid, long Ticks)
{
    /// <summary>The process's stat, or null when there is no such process (or it is not ours to read).</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>One stat text, or null when it is not one.</summary>
    public static ProcStat? Parse(string stat)
    {
        // "PID (COMMAND) S PPID … UTIME STIME …": the command may hold spaces and parentheses, so the
        // fields are counted after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
            return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 12 && fields[0].Length == 1
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
                ? new ProcStat(fields[0][0], parent, user + system)
                : null;
    }
}
