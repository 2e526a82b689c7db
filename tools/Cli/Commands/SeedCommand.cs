using System.CommandLine;
using Platform.Topology.Services;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>seed --reservations N</c>: fills the running platform's database with N realistic reservations
/// (tools/Load/Seeding), to measure searches, exports and reports over a database of a real size.
/// </summary>
public static class SeedCommand
{
    public const string Name = "seed";

    /// <param name="args">The whole command line: everything after <c>seed</c> goes to the load generator untouched.</param>
    public static Command Create(string[] args)
    {
        var passed = new Argument<string[]>("OPTIONS") { Description = "--reservations N [--random-seed S]", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(Name, "add N realistic reservations to the running platform's database (seasonal dates, statuses, several owner clients, "
            + "no night booked twice) and report the rate: --reservations N [--random-seed S]")
        {
            passed,
        };
        command.SetAction(async (_, _) =>
        {
            var root = CliHost.Settings().Layout.Root;
            return await ChildCommand.RunAsync(
                Binaries.Dotnet(),
                ["run", "-c", "Release", "--project", Path.Combine(root, "tools", "Load", "Platform.Load.csproj"), "--", .. args],
                Environment.CurrentDirectory);
        });
        return command;
    }
}
