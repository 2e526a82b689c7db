using System.Diagnostics;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A process the tests started: its output is always drained (into an <see cref="OutputTail"/>) so it
/// never blocks on a full pipe, every wait is bounded, and it is killed when disposed or when the test
/// process exits, so no server outlives the run.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly HashSet<ChildProcess> Alive = [];

    private readonly Process _process;
    private int _disposed;

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllAlive();

    private ChildProcess(Process process, OutputTail output)
    {
        _process = process;
        Id = process.Id;
        Output = output;
    }

    /// <summary>What the process wrote to stdout and stderr, last lines only.</summary>
    public OutputTail Output { get; }

    public int Id { get; }

    public bool HasExited => Volatile.Read(ref _disposed) == 1 || _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        OutputTail? output = null)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        output ??= new OutputTail();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Add(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Add(e.Data); } };
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, output);
        lock (Alive)
        {
            Alive.Add(child);
        }

        return child;
    }

    /// <summary>Starts a server the way <c>./platform</c> defines it (<see cref="ServiceCommand"/>), as this test's own child.</summary>
    public static ChildProcess Start(ServiceCommand command, OutputTail? output = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Start(command.FileName, command.Arguments, command.WorkingDirectory, command.Environment, output);
    }

    /// <summary>
    /// Runs a command to its end (bounded) and returns its exit code and output. <paramref name="environment"/>
    /// adds to (or overrides) the variables the command inherits.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var child = Start(fileName, arguments, environment: environment);
        if (!await child.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"{fileName} did not finish within {timeout.TotalSeconds:0} s:{Environment.NewLine}{child.Output}");
        }

        return (child.ExitCode, child.Output.ToString());
    }

    /// <summary>Waits until the process has exited and its output is read; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (InvalidOperationException) when (Volatile.Read(ref _disposed) == 1)
        {
            return true; // Disposed meanwhile, which waits for the exit itself.
        }
    }

    /// <summary>Graceful stop: SIGTERM, then wait; killed if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (HasExited)
        {
            await WaitForExitAsync(timeout);
            return;
        }

        // False only when it exited meanwhile, which the wait below then sees.
        _ = Signals.TrySend(Id, Signals.Terminate);
        if (!await WaitForExitAsync(timeout))
        {
            await KillAsync();
            throw new TimeoutException($"Process {Id} ignored SIGTERM for {timeout.TotalSeconds:0} s and was killed:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Kills the process and everything it started (SIGKILL), then waits for it.</summary>
    public async Task KillAsync()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        KillNow();
        await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills the process if it still runs; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        KillNow();
        await WaitForExitAsync(TimeSpan.FromSeconds(30));
        lock (Alive)
        {
            Alive.Remove(this);
        }

        _process.Dispose();
    }

    private void KillNow()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static void KillAllAlive()
    {
        lock (Alive)
        {
            foreach (var child in Alive)
            {
                child.KillNow();
            }
        }
    }
}
