using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Platform.Topology.Processes;

namespace Platform.Topology.Faults;

/// <summary>
/// Freezes one real process with SIGSTOP and thaws it with SIGCONT, as a long GC pause, a debugger or a
/// starved container would: it keeps its sockets open and accepts connections, but answers nothing. A
/// freeze counts only once <c>/proc/PID/stat</c> shows the process stopped (state T): the kernel stops it
/// when its threads next run, and a fault that never took hold must not be judged as one.
/// <para>
/// A frozen process is never left behind: every freeze ends in a CONT in a <c>finally</c> (also when
/// cancelled or when the wait throws), disposing sends one more, and so does a SIGINT, SIGTERM or SIGHUP
/// to this process before it exits. STOP and CONT go out under one lock, and once disposed no STOP is sent
/// again, so no STOP can land after that last CONT.
/// </para>
/// </summary>
public sealed class ProcessFreeze : IDisposable
{
    /// <summary>How long a STOP may take to show in /proc: on a busy machine the process may wait its turn to stop.</summary>
    public static readonly TimeSpan StopSeenTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PosixSignalRegistration> _interrupts;
    private bool _letGo;

    public ProcessFreeze(int processId)
    {
        ProcessId = processId;
        _interrupts = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, _ => LetGo()))];
    }

    public int ProcessId { get; }

    /// <summary>Stops the process until the result is disposed, which thaws it.</summary>
    /// <exception cref="FaultInjectionException">STOP could not be sent, or the process was not seen stopped.</exception>
    public static async Task<ProcessFreeze> BeginAsync(int processId, CancellationToken cancellationToken = default)
    {
        var freeze = new ProcessFreeze(processId);
        try
        {
            _ = await freeze.TryStopAsync(cancellationToken) ?? throw new ObjectDisposedException(nameof(ProcessFreeze));
            return freeze;
        }
        catch
        {
            freeze.Dispose();
            throw;
        }
    }

    /// <summary>STOP, wait at least <paramref name="hold"/> (or until cancelled), CONT. Returns how long it was stopped.</summary>
    /// <exception cref="FaultInjectionException">STOP could not be sent, or the process was not seen stopped.</exception>
    /// <exception cref="ObjectDisposedException">The freeze was disposed: it stops nothing any more.</exception>
    public async Task<TimeSpan> FreezeAsync(TimeSpan hold, CancellationToken cancellationToken = default)
    {
        var stopped = await TryStopAsync(cancellationToken) ?? throw new ObjectDisposedException(nameof(ProcessFreeze));
        try
        {
            await AtLeastAsync(stopped, hold, cancellationToken);
        }
        finally
        {
            await ContinueAsync();
        }

        return stopped.Elapsed;
    }

    /// <summary>
    /// Slow rather than dead: STOP for <paramref name="stopped"/>, CONT for <paramref name="running"/>, over and
    /// over for <paramref name="hold"/>: at most hold / (stopped + running) cycles, none started after hold.
    /// Disposing ends it after the cycle under way (which it has already thawed); it is running when this returns.
    /// </summary>
    /// <exception cref="FaultInjectionException">A STOP could not be sent, or the process was not seen stopped.</exception>
    public async Task<DutyCycle> CycleAsync(TimeSpan stopped, TimeSpan running, TimeSpan hold, CancellationToken cancellationToken = default)
    {
        var cycles = (int)Math.Ceiling(hold / (stopped + running));
        var elapsed = Stopwatch.StartNew();
        var frozen = TimeSpan.Zero;
        var done = 0;
        for (; done < cycles && elapsed.Elapsed < hold; done++)
        {
            if (await TryStopAsync(cancellationToken) is not { } since)
                break;
            try
            {
                await AtLeastAsync(since, stopped, cancellationToken);
            }
            finally
            {
                await ContinueAsync();
                frozen += since.Elapsed;
            }

            await Task.Delay(running, cancellationToken);
        }

        return new DutyCycle(done, frozen.TotalMilliseconds, elapsed.Elapsed.TotalMilliseconds);
    }

    /// <summary>The process's state letter from /proc (T while stopped), or null when there is no such process.</summary>
    public static char? State(int processId) => ProcStat.Read(processId)?.State;

    /// <summary>
    /// STOP, then wait until the process shows stopped (or the freeze is disposed meanwhile: the STOP went out,
    /// and the dispose's CONT after it, so the freeze under way ends as it would have). Returns a stopwatch
    /// started at the STOP, or null when the freeze was disposed before it.
    /// </summary>
    private async Task<Stopwatch?> TryStopAsync(CancellationToken cancellationToken)
    {
        Stopwatch since;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_letGo)
                return null;
            Send(ProcessId, Signals.Stop);
            since = Stopwatch.StartNew();
        }
        finally
        {
            _gate.Release();
        }

        try
        {
            await SeenStoppedAsync(cancellationToken);
            return since;
        }
        catch
        {
            await ContinueAsync();
            throw;
        }
    }

    /// <summary>Returns once /proc shows the process stopped, or once the freeze was disposed (which thawed it).</summary>
    private async Task SeenStoppedAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var state = State(ProcessId);
            if (state == 'T' || Volatile.Read(ref _letGo))
                return;
            if (state is null)
                throw new FaultInjectionException($"process {ProcessId} exited while being stopped");
            if (waited.Elapsed > StopSeenTimeout)
                throw new FaultInjectionException(
                    $"process {ProcessId} was not seen stopped within {StopSeenTimeout.TotalSeconds:0} s of SIGSTOP (state {state})");
            await Task.Delay(1, cancellationToken);
        }
    }

    private static void Send(int processId, int signal)
    {
        try
        {
            Signals.Send(processId, signal);
        }
        catch (InvalidOperationException e)
        {
            throw new FaultInjectionException($"SIGSTOP to process {processId} failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Waits until <paramref name="since"/> shows <paramref name="hold"/>: a timer may fire a fraction of a
    /// millisecond early by the stopwatch, and a freeze is promised to last its whole hold.
    /// </summary>
    private static async Task AtLeastAsync(Stopwatch since, TimeSpan hold, CancellationToken cancellationToken)
    {
        if (hold > since.Elapsed)
            await Task.Delay(hold - since.Elapsed, cancellationToken);
        while (since.Elapsed < hold)
            await Task.Delay(1, cancellationToken);
    }

    /// <summary>CONT, never cancelled: a process that is gone needs no thawing, so a failure is not an error.</summary>
    private async Task ContinueAsync()
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            _ = Signals.TrySend(ProcessId, Signals.Continue);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>CONT once more and never STOP again (synchronous: it also runs from a signal handler).</summary>
    private void LetGo()
    {
        _gate.Wait();
        try
        {
            Volatile.Write(ref _letGo, true);
            _ = Signals.TrySend(ProcessId, Signals.Continue);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var interrupt in _interrupts)
            interrupt.Dispose();
        // The gate stays usable: a freeze still running ends with its CONT, and starts no other.
        LetGo();
    }
}
