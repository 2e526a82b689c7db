using Platform.Load.Wrk;
using Platform.Topology;

namespace Platform.Load.Wrk.Paired;

/// <summary>
/// <c>paired STATE-DIR-A STATE-DIR-B</c> and its BENCH_* settings (defaults in brackets):
/// BENCH_ROUNDS [4], BENCH_DURATION [10] seconds per measured run after BENCH_WARMUP [5] of the same,
/// BENCH_CONNECTIONS [16] (one wrk thread), BENCH_WORKLOADS ["read create"] (any of read, create,
/// health), BENCH_LABELS ["A B"] (the two columns' names), BENCH_BACKUP_BESIDE [none] (A or B: that side's
/// platform takes full backups one after another while each of its measured runs lasts).
/// </summary>
public sealed record PairedArguments(
    IReadOnlyList<string> States,
    int Rounds,
    int Duration,
    int Warmup,
    int Connections,
    IReadOnlyList<string> Workloads,
    IReadOnlyList<string> Labels,
    int? BackupBeside = null)
{
    public const string Name = "paired";

    public const string Usage = "usage: ./platform bench paired STATE-DIR-A STATE-DIR-B (settings: BENCH_ROUNDS [4], BENCH_DURATION [10], "
        + "BENCH_WARMUP [5], BENCH_CONNECTIONS [16], BENCH_WORKLOADS [\"read create\"], BENCH_LABELS [\"A B\"], BENCH_BACKUP_BESIDE [none]; see docs/load-scenarios.md)";

    /// <summary>GET one reservation of the load client by its code: the read path through the database.</summary>
    public const string Read = "read";

    /// <summary>POST /api/v1/reservations with create.lua: every create books a night nobody else asks for.</summary>
    public const string Create = "create";

    /// <summary>GET /api/v1/health: the proxy path without the database.</summary>
    public const string Health = "health";

    public static IReadOnlyList<string> KnownWorkloads { get; } = [Read, Create, Health];

    /// <summary>
    /// Parses the command line (after <c>paired</c>) and the settings, each state directory made absolute
    /// against <paramref name="currentDirectory"/>; or returns the message for a usage error.
    /// </summary>
    public static (PairedArguments? Parsed, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> variable, string currentDirectory)
    {
        if (args.Count != 2)
            return (null, $"two state directories, A and B (got {args.Count} argument{(args.Count == 1 ? "" : "s")})");
        if (args.FirstOrDefault(arg => arg.StartsWith('-')) is { } option)
            return (null, $"no options: settings are BENCH_* variables (got '{option}')");

        var states = new List<string>();
        foreach (var arg in args)
        {
            // An empty name would resolve to the current directory, which is not what was meant.
            var state = string.IsNullOrWhiteSpace(arg) ? "" : Path.GetFullPath(arg, currentDirectory);
            if (state.Length == 0 || !Directory.Exists(state))
                return (null, $"'{arg}' is not a directory: give the state directory of a running platform (its {PlatformVariables.StateDir}, e.g. .platform)");
            states.Add(state);
        }

        var settings = new BenchVariables(variable);
        try
        {
            var workloads = settings.Words("BENCH_WORKLOADS", $"{Read} {Create}");
            if (workloads.Count == 0 || workloads.Any(w => !KnownWorkloads.Contains(w)) || workloads.Distinct().Count() != workloads.Count)
                return (null, $"BENCH_WORKLOADS must name some of {string.Join(", ", KnownWorkloads)}, each once (got '{variable("BENCH_WORKLOADS")}')");
            var labels = settings.Words("BENCH_LABELS", "A B");
            if (labels.Count != 2 || labels[0] == labels[1] || labels.Any(label => label.Contains('|', StringComparison.Ordinal)))
                return (null, $"BENCH_LABELS must be two different names without '|' (got '{variable("BENCH_LABELS")}')");
            int? backupBeside = variable("BENCH_BACKUP_BESIDE") switch
            {
                null or "" => null,
                "A" => 0,
                "B" => 1,
                _ => -1,
            };
            if (backupBeside == -1)
                return (null, $"BENCH_BACKUP_BESIDE must be A or B, the side whose platform backs up during its runs (got '{variable("BENCH_BACKUP_BESIDE")}')");
            return (new PairedArguments(
                states,
                Rounds: settings.Whole("BENCH_ROUNDS", 4, 1, 99),
                Duration: settings.Whole("BENCH_DURATION", 10, 1, 3600),
                Warmup: settings.Whole("BENCH_WARMUP", 5, 0, 3600),
                Connections: settings.Whole("BENCH_CONNECTIONS", 16, 1, 10_000),
                workloads,
                labels,
                backupBeside), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }
}
