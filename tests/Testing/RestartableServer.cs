using System.Diagnostics;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A server a test owns: started from its resource's command and waited for on its resource's probe,
/// stopped gracefully (SIGTERM, its data kept) and started again on the same port and data, killed on
/// dispose. What differs between servers is only their command, probe, timeouts and what a failure shows.
/// </summary>
public abstract class RestartableServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ChildProcess? _process;

    public int? ProcessId => _process is { HasExited: false } ? _process.Id : null;

    /// <summary>The process's last lines of output.</summary>
    protected OutputTail Output { get; } = new();

    /// <summary>The server's program, as failure messages name it.</summary>
    protected abstract string Program { get; }

    protected abstract TimeSpan StopTimeout { get; }

    /// <summary>How often the probe is asked while the server starts.</summary>
    protected virtual TimeSpan ProbeInterval => TimeSpan.FromMilliseconds(100);

    protected abstract ServiceCommand Command();

    protected abstract Readiness Probe();

    /// <summary>What a failure to start shows after its reason: the output, and whatever else the server keeps.</summary>
    protected virtual string Diagnostics() => Output.ToString();

    /// <summary>Graceful shutdown (SIGTERM) and wait for the process to exit. Data stays.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(StopTimeout);
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Kills the server (SIGKILL): nothing is flushed or closed, as in a crash. Its data stays.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.KillAsync();
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts the stopped server again on the same port and data; returns when its probe says ready.</summary>
    public Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("The server is running; stop it first.");
        }

        return StartProcessAsync();
    }

    /// <summary>Kills the server; each server then removes what it leaves.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        GC.SuppressFinalize(this);
    }

    protected async Task StartProcessAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var probe = Probe();
        _process = ChildProcess.Start(Command(), Output);
        string? lastAnswer = null;
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Program} exited with {_process.ExitCode} while starting.{Environment.NewLine}{Diagnostics()}");
            }

            lastAnswer = await probe.AskAsync();
            if (probe.IsReady(lastAnswer))
            {
                return;
            }

            await Task.Delay(ProbeInterval);
        }

        throw new TimeoutException($"{Program} was not {probe.Description} within {StartTimeout.TotalSeconds:0} s (last answer: {lastAnswer}).{Environment.NewLine}{Diagnostics()}");
    }
}
