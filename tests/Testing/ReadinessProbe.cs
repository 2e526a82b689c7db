using System.Diagnostics;
using Platform.Topology.Processes;

namespace Platform.Testing;

/// <summary>
/// Waits for a started process to pass its readiness probe, the one <c>./platform up</c> waits on and
/// <c>status</c> shows (each resource's <c>Probe</c> in tools/Topology/Resources), or says why it did not.
/// </summary>
public static class ReadinessProbe
{
    /// <summary>
    /// Asks <paramref name="readiness"/> until it says ready. Throws with the process's last output if the
    /// process exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task WaitAsync(ChildProcess process, Readiness readiness, TimeSpan timeout, string name)
    {
        var stopwatch = Stopwatch.StartNew();
        var lastAnswer = "no answer yet";
        while (stopwatch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} while starting:{Environment.NewLine}{process.Output}");
            }

            lastAnswer = await readiness.AskAsync();
            if (readiness.IsReady(lastAnswer))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(
            $"{name} was not ready ({readiness.Description}) within {timeout.TotalSeconds:0} s (last: {lastAnswer}):{Environment.NewLine}{process.Output}");
    }
}
