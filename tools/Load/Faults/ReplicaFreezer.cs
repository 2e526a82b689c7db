using System.Diagnostics;
using System.Runtime.InteropServices;
using Platform.Topology.Processes;

namespace Platform.Load.Faults;

/// <summary>How a stop-and-go fault really went: cycles done, and time stopped out of the time it ran.</summary>
public sealed record DutyCycle(int Cycles, double StoppedMs, double ElapsedMs)
{
    public double StoppedShare => ElapsedMs <= 0 ? 0 : StoppedMs / ElapsedMs;
}

/// <summary>
/// Freezes one replica with SIGSTOP on its real pid and thaws it with SIGCONT. A frozen
/// replica must never be left behind: every freeze ends in a CONT in a <c>finally</c>, disposing the freezer
/// sends one more, and so does a SIGINT, SIGTERM or SIGHUP to the generator before it exits. STOP and CONT
/// go out under one lock, and once the freezer has let go no STOP is sent again, so no STOP can land after
/// that last CONT.
/// </summary>
public sealed class ReplicaFreezer : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PosixSignalRegistration> _interrupts;
    private bool _letGo;

    public ReplicaFreezer(string replica, int pid)
    {
        Replica = replica;
        Pid = pid;
        _interrupts = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, _ => LetGo()))];
    }

    public string Replica { get; }

    public int Pid { get; }

    /// <summary>STOP, wait <paramref name="hold"/>, CONT. Returns the time it was stopped (ms), or null when STOP failed.</summary>
    public async Task<double?> FreezeAsync(TimeSpan hold)
    {
        if (!await SendAsync(Signals.Stop))
            return null;
        var stopped = Stopwatch.StartNew();
        try
        {
            await AtLeastAsync(stopped, hold);
        }
        finally
        {
            await SendAsync(Signals.Continue);
        }

        return stopped.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// STOP for <paramref name="stopped"/>, CONT for <paramref name="running"/>, over and over for
    /// <paramref name="hold"/>: at most hold / (stopped + running) cycles, and none started after hold.
    /// </summary>
    public async Task<DutyCycle> CycleAsync(TimeSpan stopped, TimeSpan running, TimeSpan hold)
    {
        var cycles = (int)Math.Ceiling(hold / (stopped + running));
        var elapsed = Stopwatch.StartNew();
        var frozen = TimeSpan.Zero;
        var done = 0;
        for (; done < cycles && elapsed.Elapsed < hold; done++)
        {
            if (!await SendAsync(Signals.Stop))
                break;
            var since = Stopwatch.StartNew();
            try
            {
                await AtLeastAsync(since, stopped);
            }
            finally
            {
                await SendAsync(Signals.Continue);
                frozen += since.Elapsed;
            }

            await Task.Delay(running);
        }

        return new DutyCycle(done, frozen.TotalMilliseconds, elapsed.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Waits until <paramref name="since"/> shows <paramref name="hold"/>: a timer may fire a fraction of a
    /// millisecond early by the stopwatch, and a freeze is promised to last its whole hold.
    /// </summary>
    private static async Task AtLeastAsync(Stopwatch since, TimeSpan hold)
    {
        await Task.Delay(hold);
        while (since.Elapsed < hold)
            await Task.Delay(1);
    }

    private async Task<bool> SendAsync(int signal)
    {
        await _gate.WaitAsync();
        try
        {
            return (signal != Signals.Stop || !_letGo) && Signals.TrySend(Pid, signal);
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
            _letGo = true;
            Signals.TrySend(Pid, Signals.Continue);
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
