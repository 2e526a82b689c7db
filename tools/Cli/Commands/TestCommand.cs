using System.CommandLine;
using System.Globalization;
using Platform.Cli.TestRuns;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Services;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>test [ARGS]</c>: <c>dotnet test</c> on the solution with TRX results, ARGS passed through as given; the
/// last line is <c>N passed, N failed</c>. A run that wrote no results (the build failed, no test ran) is one
/// failure, never a green run, and so is each test project that crashed or left no results of its own.
/// </summary>
public static class TestCommand
{
    public const string Name = "test";

    /// <param name="args">The whole command line: everything after <c>test</c> goes to dotnet test untouched.</param>
    public static Command Create(string[] args)
    {
        var passed = new Argument<string[]>("ARGS") { Description = "passed to dotnet test", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(Name, "run 'dotnet test' on the solution (ARGS are passed to it); the last line of output is 'N passed, N failed'")
        {
            passed,
        };
        command.SetAction(async (_, _) =>
        {
            try
            {
                return await RunAsync(CliHost.Settings().Layout, args[1..]);
            }
            catch (Exception e) when (e is PlatformException or IOException or UnauthorizedAccessException)
            {
                // CI reads the last line: a run that could not start is one failure, never a missing summary.
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                Console.WriteLine(TrxCounters.Zero with { Failed = 1 });
                return 1;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(StateLayout layout, string[] arguments)
    {
        var results = UniqueDirectory.Create(layout.TestResults, DateTime.Now.ToString("yyyyMMdd-HHmmss-", CultureInfo.InvariantCulture));
        Narrator.Console.Info($"running tests (results in {layout.Display(results)})");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exitCode = await ChildCommand.RunAsync(
            Binaries.Dotnet(),
            ["test", layout.Repository("Platform.sln"), "-c", "Release", "--logger", "trx", "--results-directory", results, .. arguments],
            layout.Root);

        TrxCounters totals;
        int files;
        try
        {
            // A filter may leave a project nothing to run; without one, a project with no result failed.
            (totals, files) = TrxCounters.Sum(results, emptyRunFails: !arguments.Any(argument => argument.StartsWith("--filter", StringComparison.Ordinal)));
        }
        catch (InvalidDataException e)
        {
            // Results that cannot be read are not a green run.
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            (totals, files) = (TrxCounters.Zero, 0);
        }

        totals = TrxCounters.Judge(totals, files, SolutionTestProjects.Read(layout.Repository("Platform.sln")).Count, exitCode);
        foreach (var line in SuiteBudget.Report(results, clock.Elapsed))
            Console.WriteLine(line);
        Console.WriteLine(totals);
        return totals.Failed == 0 ? 0 : 1;
    }
}
