using System.Globalization;
using Platform.Topology;

namespace Platform.Load.Wrk.Compare;

/// <summary>
/// <c>./platform bench compare</c>: the same create-heavy wrk load (create.lua: every request books a night
/// nobody else asks for) side by side in one run, against the replicas <c>./platform up</c> started, as the
/// bench's load client: <c>gateway-on</c> (our gateway, limiter and metrics on, under a limit nothing
/// reaches) and <c>gateway-off</c> (the same without them); req/s, p50, p99 and CPU per request with the
/// ratios. Creates straight to a replica or through nginx cannot be made since identity v2: the identity
/// the gateway signs binds each body, which wrk's Lua cannot sign per request (docs/identity.md). It is
/// the gateway bench (<c>./platform bench gateway</c>) with BENCH_WORKLOAD=create and its own defaults;
/// every other BENCH_* setting of that bench applies.
/// </summary>
public static class CompareBench
{
    public const string Name = "compare";

    public const string Usage = "usage: ./platform bench compare (settings by BENCH_* environment variables, as for ./platform bench gateway; see docs/load-scenarios.md)";

    /// <summary>
    /// The compare's settings for the gateway bench: creates always, and its defaults where the caller's
    /// BENCH_* variables leave a setting unset.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings(StateLayout layout, Func<string, string?> variable, DateTimeOffset now)
    {
        var settings = new BenchVariables(variable);
        return new Dictionary<string, string>
        {
            ["BENCH_WORKLOAD"] = "create",
            // 16: below a replica's writers' share (20 of its 30 connections), so creates sent straight to one
            // replica are measured, not shed at once with 503 temporary-reduced-capacity.
            ["BENCH_CONNECTIONS"] = settings.Text("BENCH_CONNECTIONS", "16"),
            ["BENCH_CONFIGS"] = settings.Text("BENCH_CONFIGS", "gateway-on gateway-off"),
            ["BENCH_RESULTS"] = settings.Text("BENCH_RESULTS",
                Path.Combine(layout.Reports, "compare-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))),
        };
    }

    /// <summary>Runs the comparison; its exit code (64 when given arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count > 0)
        {
            await Console.Error.WriteLineAsync($"error: no arguments (got '{args[0]}')\n{Usage}");
            return Cli.Arguments.UsageError;
        }

        var layout = PlatformSettings.FromEnvironment(RepositoryRoot.Path).Layout;
        var settings = Settings(layout, Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow);
        return await WrkCommands.GatewayAsync([], name => settings.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name));
    }
}
