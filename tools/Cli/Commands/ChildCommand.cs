using System.Diagnostics;

namespace Platform.Cli.Commands;

/// <summary>
/// Runs a long child (dotnet test, the load generator, a bench script) on this terminal: its output is the
/// operator's to watch, so stdin, stdout and stderr are inherited rather than captured.
/// </summary>
public static class ChildCommand
{
    public static async Task<int> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
