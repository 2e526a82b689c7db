using System.Runtime.InteropServices;

namespace Platform.Topology.Processes;

/// <summary>
/// Signals to real processes: .NET's Process can only kill (SIGKILL), and a graceful stop, a reload or a
/// freeze needs SIGTERM, SIGHUP, SIGSTOP and SIGCONT.
/// </summary>
public static partial class Signals
{
    public const int Hangup = 1;
    public const int Kill = 9;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>The number of a signal by its name (KILL, TERM, HUP, STOP, CONT), as kill(1) takes it.</summary>
    public static int Parse(string name) => name.ToUpperInvariant().Replace("SIG", "", StringComparison.Ordinal) switch
    {
        "HUP" => Hangup,
        "KILL" => Kill,
        "TERM" => Terminate,
        "CONT" => Continue,
        "STOP" => Stop,
        _ => throw new ArgumentException($"unknown signal '{name}'", nameof(name)),
    };

    /// <summary>Sends <paramref name="signal"/> to <paramref name="processId"/>; false when there is no such process (or it is not ours).</summary>
    public static bool TrySend(int processId, int signal) => SendSignal(processId, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="processId"/>.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Send(int processId, int signal)
    {
        if (SendSignal(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
