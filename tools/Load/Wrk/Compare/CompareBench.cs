using System.Globalization;
using Platform.Topology;

namespace Platform.Load.Wrk.Compare;

/// <summary>
/// <c>./platform bench compare</c>: the same create-heavy wrk load (create.lua: every request books a night
/// nobody else asks for) side by side in one run, against the replicas <c>./platform up</c> started:
/// <c>direct</c> (straight to one replica), <c>gateway-on</c> (our gateway, limiter and metrics on, under a
/// limit nothing reaches) and <c>nginx</c> (round robin, upstream keepalive, limit_req at the same rate);
/// req/s, p50 and p99 with the ratios. It is the gateway bench (<c>./platform bench gateway</c>) with
/// BENCH_WORKLOAD=create and its own defaults; every other BENCH_* setting of that bench applies.
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
            ["BENCH_CONFIGS"] = settings.Text("BENCH_CONFIGS", "direct gateway-on nginx"),
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
