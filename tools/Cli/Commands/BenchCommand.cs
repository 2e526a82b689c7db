using System.CommandLine;
using Platform.Topology.Services;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>bench [SCENARIO] [--short]</c>: a load or fault scenario of tools/Load against the running
/// platform, which reads the topology itself from the same PLATFORM_* environment; <c>bench paired A B</c>,
/// <c>compare</c>, <c>writes</c> and <c>gateway</c>: the wrk benches (tools/Load/Wrk).
/// </summary>
public static class BenchCommand
{
    public const string Name = "bench";

    /// <param name="args">The whole command line: everything after <c>bench</c> goes to the load generator untouched.</param>
    public static Command Create(string[] args)
    {
        var passed = new Argument<string[]>("SCENARIO") { Description = "the scenario and its options (none: list them)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(Name, "run a load or fault scenario against the running platform through the gateway and write a report "
            + "under .platform/reports/ (no SCENARIO: list them); the wrk benches: 'bench paired STATE-A STATE-B' (two platforms side by side), "
            + "'bench compare' (direct vs gateway vs nginx), 'bench writes' (the write path), 'bench gateway' (what the gateway adds)")
        {
            passed,
        };
        command.SetAction(async (_, _) =>
        {
            var root = CliHost.Settings().Layout.Root;
            var arguments = args[1..];
            return await ChildCommand.RunAsync(
                Binaries.Dotnet(),
                ["run", "-c", "Release", "--project", Path.Combine(root, "tools", "Load", "Platform.Load.csproj"), "--", .. arguments],
                // From where it was called: `bench paired ../base/.platform .platform` names directories relative to it.
                Environment.CurrentDirectory);
        });
        return command;
    }
}
