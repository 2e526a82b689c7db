using System.Diagnostics;
using System.Globalization;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// A proxy the gateway bench starts itself (the published gateway, the YARP floor, nginx) and stops again,
/// on every path out (disposal): only processes it started, by their own pid. Its output goes to its log.
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    /// <summary>Seconds a started proxy may take to answer, and to exit after SIGTERM before it is killed.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;

    private readonly StreamWriter _log;

    private ProxyProcess(Process process, StreamWriter log) => (_process, _log) = (process, log);

    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="program"/> and waits until <paramref name="ready"/> answers 200.</summary>
    /// <exception cref="PlatformException">It exited first, or did not answer within 30 s.</exception>
    public static async Task<ProxyProcess> StartAsync(
        string name, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory, string log, Uri ready)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Append(writer, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new ProxyProcess(process, writer);

        var deadline = Stopwatch.StartNew();
        while (!await Probes.HttpOkAsync(ready))
        {
            if (process.HasExited)
            {
                await proxy.DisposeAsync();
                throw new PlatformException($"{name} exited before answering; see {log}");
            }
            if (deadline.Elapsed > ReadyTimeout)
            {
                await proxy.DisposeAsync();
                throw new PlatformException($"{name} did not answer {ready} within {ReadyTimeout.TotalSeconds:0}s; see {log}");
            }
            await Task.Delay(100);
        }
        return proxy;
    }

    /// <summary>CPU ticks used so far by <paramref name="pid"/> (all its threads) and its child processes that run (nginx's workers).</summary>
    public static long Ticks(int pid) => PlatformCpu.TicksOf(pid) + Children(pid).Sum(PlatformCpu.TicksOf);

    /// <summary>The pids whose parent is <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> Children(int pid) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : 0)
            // A process that exited while the list was read has no stat, and is no child.
            .Where(child => child > 0 && ProcStat.Read(child)?.ParentPid == pid)];

    /// <summary>SIGTERM, up to 20 s to exit, then SIGKILL.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.TrySend(_process.Id, Signals.Terminate);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
