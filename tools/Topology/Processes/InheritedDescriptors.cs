using System.Globalization;
using System.Runtime.InteropServices;

namespace Platform.Topology.Processes;

/// <summary>
/// Keeps the descriptors this process was handed from reaching the servers it starts. .NET opens its own
/// files close-on-exec, but what the caller left open (the lock of <c>flock ./platform up</c>, a CI
/// runner's pipe) is inherited by every child, and a server outlives the command: the lock would stay
/// held and the pipe would never end while the platform runs. Neither .NET's Process nor setsid(1) can
/// close them for a child, so they are marked close-on-exec here, in this process, before it starts one.
/// </summary>
public static partial class InheritedDescriptors
{
    private const int GetFlags = 1;  // F_GETFD
    private const int SetFlags = 2;  // F_SETFD
    private const int CloseOnExecFlag = 1; // FD_CLOEXEC

    /// <summary>Marks every descriptor above stderr close-on-exec.</summary>
    public static void CloseOnExec()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2)
                continue;
            var flags = Fcntl(fd, GetFlags, 0);
            // -1: the descriptor that listed the directory, closed by now.
            if (flags >= 0 && (flags & CloseOnExecFlag) == 0)
                Fcntl(fd, SetFlags, flags | CloseOnExecFlag);
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
