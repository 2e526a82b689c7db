using System.Diagnostics;
using System.Globalization;
using Platform.Topology.Files;
using Platform.Topology.Services;

namespace Platform.Topology.Processes;

/// <summary>
/// Starts the platform's servers detached from the caller (they outlive the CLI), each in its own
/// session with stdin from /dev/null, its output appended to its log and none of the caller's other
/// descriptors (<see cref="InheritedDescriptors"/>); waits for them to become
/// ready; stops them gracefully. Every wait is bounded.
/// </summary>
public sealed class Launcher(ProcessTable table, Narrator narrator)
{
    /// <summary>How long a process may take to become ready.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    // .NET's Process can neither start a child in a new session nor hand it a file as its stdout, and a
    // server must outlive the CLI: setsid(1) gives it its own session, and sh's exec replaces itself with
    // the server after the redirection, so the pid recorded is the server's own.
    private const string RedirectAndExec = "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    public ProcessTable Table { get; } = table;

    /// <summary>Starts <paramref name="command"/> as <paramref name="name"/>, records its pid and port, and returns its pid.</summary>
    public int StartDetached(string name, ServiceCommand command, int port)
    {
        var log = Table.Layout.Log(name);
        PrivateDirectory.Create(Table.Layout.Logs);
        File.AppendAllText(log, string.Create(CultureInfo.InvariantCulture, $"=== {DateTime.Now:yyyy-MM-dd HH:mm:ss}: starting {name} ===\n"));
        var start = new ProcessStartInfo(Binaries.Find("setsid") ?? "setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? Table.Layout.Root,
        };
        foreach (var argument in (string[])["sh", "-c", RedirectAndExec, "sh", log, command.FileName, .. command.Arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in command.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        InheritedDescriptors.CloseOnExec();
        using var process = Process.Start(start) ?? throw new PlatformException($"{name} did not start ({command.FileName})");
        Table.Record(name, process.Id, port);
        return process.Id;
    }

    /// <summary>Waits until <paramref name="readiness"/> holds; on timeout the message names its last answer.</summary>
    public Task WaitUntilReadyAsync(string name, Readiness readiness) =>
        WaitUntilReadyAsync(name, readiness.Description, readiness.CheckAsync, readiness.AskAsync);

    /// <summary>
    /// Waits until <paramref name="check"/> succeeds. Fails at once, with the log's tail, if the process exits
    /// first; on timeout shows the log and says what it last saw, leaving the process for inspection.
    /// </summary>
    public async Task WaitUntilReadyAsync(string name, string description, Func<Task<bool>> check, Func<Task<string>>? lastAnswer = null)
    {
        var log = Table.Layout.Log(name);
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < ReadyTimeout)
        {
            if (await check())
            {
                return;
            }

            if (!Table.Exists(name))
            {
                Table.Forget(name);
                narrator.ShowLogTail(log, Table.Layout.Display(log));
                throw new PlatformException($"{name} exited before {description}; see {Table.Layout.Display(log)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        narrator.ShowLogTail(log, Table.Layout.Display(log));
        var seen = lastAnswer is null ? description : $"{description}; last: {await lastAnswer()}";
        throw new PlatformException(
            $"{name} did not become ready ({seen}) within {ReadyTimeout.TotalSeconds:0}s; it is left running for inspection, './platform down' stops it");
    }

    /// <summary>Sends SIGTERM, waits up to <paramref name="timeout"/>, then SIGKILL; forgets the process.</summary>
    public Task StopAsync(string name, TimeSpan timeout) => StopAllAsync([name], timeout);

    /// <summary>
    /// Stops several at once: SIGTERM to all first, so their graceful stops (a replica's drain delay among
    /// them) overlap, then each is waited for up to <paramref name="timeout"/> and killed if it outlasts it.
    /// </summary>
    public async Task StopAllAsync(IEnumerable<string> names, TimeSpan timeout)
    {
        var running = names.Select(name => (Name: name, Pid: Table.RunningPid(name))).ToList();
        foreach (var (name, pid) in running)
        {
            if (pid is { } alive)
            {
                narrator.Info($"stopping {name} (pid {alive})");
                Signals.TrySend(alive, Signals.Terminate);
            }
            else
            {
                Table.Forget(name);
            }
        }

        await Task.WhenAll(running.Where(p => p.Pid is not null).Select(p => WaitForExitAsync(p.Name, p.Pid!.Value, timeout)));
    }

    private async Task WaitForExitAsync(string name, int pid, TimeSpan timeout)
    {
        var signature = Table.Signature(name);
        var stopwatch = Stopwatch.StartNew();
        while (ProcessTable.IsAlive(pid, signature) && stopwatch.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        if (ProcessTable.IsAlive(pid, signature))
        {
            narrator.Warn($"{name} (pid {pid}) still running after {timeout.TotalSeconds:0}s; sending SIGKILL");
            Signals.TrySend(pid, Signals.Kill);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Table.Forget(name);
    }
}
