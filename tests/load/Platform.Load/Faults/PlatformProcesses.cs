using System.Diagnostics;
using System.Globalization;

namespace Platform.Load.Faults;

/// <summary>The platform's processes, by the pid files <c>./platform up</c> writes (<c>pids/&lt;name&gt;.pid</c>).</summary>
public sealed class PlatformProcesses(string stateDir, string platformScript)
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(8);

    public string PidsDir => Path.Combine(stateDir, "pids");

    public IReadOnlyList<string> Names() => Directory.Exists(PidsDir)
        ? Directory.EnumerateFiles(PidsDir, "*.pid").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList()
        : [];

    public int? Pid(string name)
    {
        var file = Path.Combine(PidsDir, name + ".pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>Resident memory of a process in KiB (VmRSS), or null when it is not running.</summary>
    public static long? RssKib(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (KILL, TERM) to the named process; false if it has no pid.</summary>
    public async Task<bool> SignalAsync(string name, string signal) => Pid(name) is { } pid && await SignalAsync(pid, signal);

    /// <summary>Sends <paramref name="signal"/> (KILL, TERM, STOP, CONT) to <paramref name="pid"/> with <c>kill</c>; false if it failed.</summary>
    public static async Task<bool> SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        return kill.ExitCode == 0;
    }

    /// <summary>Runs <c>$BENCH_PLATFORM up</c> (restarts whatever is not running); returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> UpAsync()
    {
        var start = new ProcessStartInfo(platformScript, ["up"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(platformScript),
        };
        using var up = Process.Start(start)!;
        var output = up.StandardOutput.ReadToEndAsync();
        var errors = up.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(UpTimeout);
        try
        {
            await up.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            up.Kill(entireProcessTree: true);
            return (-1, "timed out after " + UpTimeout);
        }

        return (up.ExitCode, await output + await errors);
    }
}
