using System.CommandLine;
using System.Globalization;
using Platform.Topology.Operations;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>status</c>: one row per process. Plain fixed-width columns rather than a drawn table: operators and
/// scripts read it with <c>grep</c> and <c>awk</c>, and the columns are the same as they always were.
/// </summary>
public static class StatusCommand
{
    private static readonly System.Text.CompositeFormat Row = System.Text.CompositeFormat.Parse("{0,-16} {1,-8} {2,-6} {3,-8} {4}");

    public static Command Create()
    {
        var command = new Command("status", "show each process, its pid, port, state and health");
        command.SetAction(async (_, _) =>
        {
            var rows = await PlatformStatus.ReadAsync(CliHost.Settings());
            Console.WriteLine(Format("PROCESS", "PID", "PORT", "STATE", "HEALTH"));
            foreach (var row in rows)
            {
                Console.WriteLine(Format(
                    row.Name, row.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-", row.Port.ToString(CultureInfo.InvariantCulture),
                    row.Running ? "running" : "stopped", row.Running ? row.Health : "-"));
            }

            return 0;
        });
        return command;
    }

    private static string Format(string name, string pid, string port, string state, string health) =>
        string.Format(CultureInfo.InvariantCulture, Row, name, pid, port, state, health);
}
