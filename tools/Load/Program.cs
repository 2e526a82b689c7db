// `./platform bench [SCENARIO] [--short]`: see docs/load-scenarios.md.
//
//   Cli/        the command line (exit 64 on misuse), the scenario list, the platform a run is against (its
//               PLATFORM_* variables and state directory, through tools/Topology: nothing else is passed in)
//   Scenarios/  the catalog: every scenario's plan (users, shape, how --short scales them) and one class per
//               scenario (or family) that arranges its run, sends its traffic and judges it; Faults/ and
//               SlowFaults/ hold the fault scenarios
//   Traffic/    the open-model driver (latency from the scheduled send), HTTP clients, closed loop, source addresses
//   Workload/   the request mix: creates, overlaps, reads, availability, lists; the stays created
//   Runs/       one scenario end to end (warm-up, traffic, judgement, audit, report), the run a scenario arranges
//               against, the stress monitor, gateway metrics
//   Progress/   the live figures on a terminal while the traffic runs (quiet when stdout is not a terminal)
//   Faults/     restarting the platform in-process (tools/Topology's up), RSS sampling, fault verdicts; freezing
//               a replica (SIGSTOP/SIGCONT), the database's global read lock, ejection and shedding
//   Audit/      after every run: creates stored, no double booking, every event in the Redis stream
//   Reporting/  report.md, requests.csv, timeline.csv, timeline.svg; percentiles, tables, charts
//   Seeding/    `./platform seed --reservations N`: realistic reservations bulk-loaded into the database
//   Wrk/        the wrk benches (paired, compare, writes, gateway): wrk with tools/Bench's Lua scripts as a child process, its BENCH
//               lines, the platforms' CPU, the tables BENCHMARKS.md records
using Platform.Load.Cli;
using Platform.Load.Runs;
using Platform.Load.Scenarios;
using Platform.Load.Wrk;
using Platform.Topology;

if (args is [IdentityTokenCommand.Name, .. var tokenArguments])
    return IdentityTokenCommand.Run(tokenArguments);

if (args is [Platform.Load.Seeding.SeedCommand.Name, .. var seedArguments])
    return await Platform.Load.Seeding.SeedCommand.RunAsync(seedArguments);

if (args is [var wrkBench, .. var wrkArguments] && WrkCommands.Names.Contains(wrkBench))
    return await WrkCommands.RunAsync(wrkBench, wrkArguments);

var (arguments, error) = Arguments.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine($"error: {error}\n");
    Console.Error.Write(Usage.Text());
    return Arguments.UsageError;
}

if (arguments.Scenario is null)
{
    Console.Write(Usage.Text());
    return 0;
}

var scenario = ScenarioCatalog.Find(arguments.Scenario, arguments.IsShort)!;
var command = "./platform bench " + string.Join(' ', args);
BenchSettings settings;
try
{
    settings = BenchSettings.ForRunningPlatform(PlatformSettings.FromEnvironment(RepositoryRoot.Path));
}
catch (PlatformException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

try
{
    return await new ScenarioRunner(settings, scenario, command).RunAsync();
}
catch (PlatformException ex)
{
    await Console.Out.FlushAsync();
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    // Not foreseen: one line for the operator, the whole story in the bench's log, never a crash (exit 134).
    await Console.Out.FlushAsync();
    Console.Error.WriteLine($"error: {scenario.Plan.Name} failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} (details in {BenchLog.Write(settings, ex)})");
    return 1;
}
