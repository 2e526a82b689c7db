using System.CommandLine;
using Platform.Topology;
using Platform.Topology.Operations;

namespace Platform.Cli.Commands;

/// <summary><c>up</c>: starts whatever of the platform is not running (the shim has installed the servers' packages).</summary>
public static class UpCommand
{
    public static Command Create()
    {
        var command = new Command("up", "start MariaDB, Redis, the trace viewer, the API replicas and, once they are ready, the gateway in front of them, "
            + "then the MariaDB, Redis and host exporters, and Prometheus and Alertmanager scraping and alerting on all of them; "
            + "it ends with the trace viewer's login URL");
        command.SetAction(async (_, _) =>
        {
            await new PlatformOperations(CliHost.Settings(), Narrator.Console).UpAsync();
            return 0;
        });
        return command;
    }
}
