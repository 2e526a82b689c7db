using Platform.Topology.Processes;

namespace Platform.Testing;

/// <summary>
/// Freezes and thaws a real process with SIGSTOP and SIGCONT, as a GC pause, a debugger or a
/// starved container would: it keeps its sockets open and accepts connections, but answers nothing.
/// </summary>
public static class ProcessSignals
{
    public static void Freeze(int processId) => Signals.Send(processId, Signals.Stop);

    public static void Thaw(int processId) => Signals.Send(processId, Signals.Continue);

    /// <summary>Freezes the process until the result is disposed, which thaws it: a frozen process is never left behind.</summary>
    public static IDisposable FreezeUntilDisposed(int processId)
    {
        Freeze(processId);
        return new Frozen(processId);
    }

    /// <summary>
    /// Makes the process slow rather than dead: stopped for <paramref name="stopped"/> out of every
    /// <paramref name="stopped"/> + <paramref name="running"/>, for <paramref name="duration"/> or until
    /// cancelled, and always running again when this returns.
    /// </summary>
    public static async Task SlowDownAsync(int processId, TimeSpan stopped, TimeSpan running, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + duration;
        try
        {
            while (DateTime.UtcNow < until && !cancellationToken.IsCancellationRequested)
            {
                using (FreezeUntilDisposed(processId))
                    await Task.Delay(stopped, CancellationToken.None);
                await Task.Delay(running, CancellationToken.None);
            }
        }
        finally
        {
            Thaw(processId);
        }
    }

    private sealed class Frozen(int processId) : IDisposable
    {
        private int _thawed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _thawed, 1) == 0)
                Thaw(processId);
        }
    }
}
