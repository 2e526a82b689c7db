using System.CommandLine;
using Platform.Topology;
using Platform.Topology.Operations;

namespace Platform.Cli.Commands;

/// <summary><c>down</c>: stops everything <c>up</c> started.</summary>
public static class DownCommand
{
    public static Command Create()
    {
        var command = new Command("down", "stop everything 'up' started (monitoring, exporters, gateway, replicas, trace viewer, Redis, MariaDB)");
        command.SetAction(async (_, _) =>
        {
            await new PlatformOperations(CliHost.Settings(), Narrator.Console).DownAsync();
            return 0;
        });
        return command;
    }
}
