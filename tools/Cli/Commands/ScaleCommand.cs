using System.CommandLine;
using Platform.Topology;
using Platform.Topology.Operations;

namespace Platform.Cli.Commands;

/// <summary><c>scale N</c>: starts or stops replicas until N run.</summary>
public static class ScaleCommand
{
    /// <param name="args">The whole command line: what follows <c>scale</c> is checked here, so that "-1" is a bad count, not an unknown option.</param>
    public static Command Create(string[] args)
    {
        // A string, not an int: a count that is not one is the operator's error (exit 1, with the range), as before.
        var count = new Argument<string[]>("N") { Description = "the number of replicas to run, 1-99", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("scale", "start or stop replicas until N run (1-99): new ones join the gateway and "
            + "Prometheus once ready; removed ones leave the gateway first, then stop gracefully") { count };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (_, _) =>
        {
            var given = args[1..];
            if (given.Length != 1)
            {
                throw new PlatformException("usage: ./platform scale N (the number of replicas to run, 1-99)");
            }

            var target = PlatformSettings.ParseReplicas(given[0])
                ?? throw new PlatformException($"scale needs the number of replicas to run, a whole number from 1 to 99 (got '{given[0]}')");
            await new PlatformOperations(CliHost.Settings(), Narrator.Console).ScaleAsync(target);
            return 0;
        });
        return command;
    }
}
