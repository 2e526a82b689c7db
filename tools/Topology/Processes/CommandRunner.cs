using System.Diagnostics;
using System.Text;
using Platform.Topology.Services;

namespace Platform.Topology.Processes;

/// <summary>Runs a short command to its end, bounded, and returns its exit code and everything it wrote.</summary>
public static class CommandRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(ServiceCommand command, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in command.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new PlatformException($"{Path.GetFileName(command.FileName)} did not finish within {timeout.TotalSeconds:0} s");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
