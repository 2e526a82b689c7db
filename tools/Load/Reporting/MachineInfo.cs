using System.Diagnostics;
using System.Globalization;

namespace Platform.Load.Reporting;

/// <summary>The report header's machine line: cores and memory from /proc, and the git commit if any.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var model = CpuModel() ?? "unknown CPU";
        var memory = MemoryKib() is { } kb
            ? string.Create(CultureInfo.InvariantCulture, $"{kb / 1024.0 / 1024.0:0.0} GiB")
            : "unknown memory";
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores ({model}), {memory} RAM");
    }

    /// <summary>The CPU's model name from /proc/cpuinfo, or null when it does not say.</summary>
    public static string? CpuModel() => ReadProc("/proc/cpuinfo", "model name");

    /// <summary>The machine's memory in KiB from /proc/meminfo, or null when it does not say.</summary>
    public static long? MemoryKib() =>
        ReadProc("/proc/meminfo", "MemTotal") is { } total
        && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var kib)
            ? kib
            : null;

    private static string? ReadProc(string file, string key)
    {
        try
        {
            return File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string? GitCommit(string directory)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", directory, "rev-parse", "--short=12", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (git is null)
                return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(5000) && git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
