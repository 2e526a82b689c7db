using System.Diagnostics;
using System.Globalization;
using Platform.Topology;

namespace Platform.Load.Wrk.Compare;

/// <summary>
/// <c>./platform bench compare</c>: the same create-heavy wrk load (create.lua: every request books a night
/// nobody else asks for) side by side in one run, against the replicas <c>./platform up</c> started:
/// <c>direct</c> (straight to one replica), <c>gateway-on</c> (our gateway, limiter and metrics on, under a
/// limit nothing reaches) and <c>nginx</c> (round robin, upstream keepalive, limit_req at the same rate);
/// req/s, p50 and p99 with the ratios. It is tools/Bench/bench-gateway.sh with BENCH_WORKLOAD=create, run
/// here with the platform's state directory, replica ports and count taken from the topology model and
/// handed to the script, so the two cannot disagree on which platform is measured; every BENCH_* setting
/// of that script applies.
/// </summary>
public static class CompareBench
{
    public const string Name = "compare";

    public const string Usage = "usage: ./platform bench compare (settings by BENCH_* environment variables, see tools/Bench/bench-gateway.sh)";

    /// <summary>
    /// What the gateway bench is run with: the platform's topology, the compare's fixed workload, and its
    /// defaults where the caller's BENCH_* variables leave a setting unset.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment(PlatformSettings platform, Func<string, string?> variable, DateTimeOffset now)
    {
        var settings = new BenchVariables(variable);
        return new Dictionary<string, string>
        {
            [PlatformVariables.StateDir] = platform.Layout.State,
            [PlatformVariables.ApiBasePort] = platform.Ports.ApiBase.ToString(CultureInfo.InvariantCulture),
            [PlatformVariables.Replicas] = platform.Replicas.ToString(CultureInfo.InvariantCulture),
            ["BENCH_WORKLOAD"] = "create",
            // 16: below a replica's writers' share (20 of its 30 connections), so creates sent straight to one
            // replica are measured, not shed at once with 503 temporary-reduced-capacity.
            ["BENCH_CONNECTIONS"] = settings.Text("BENCH_CONNECTIONS", "16"),
            ["BENCH_CONFIGS"] = settings.Text("BENCH_CONFIGS", "direct gateway-on nginx"),
            ["BENCH_RESULTS"] = settings.Text("BENCH_RESULTS",
                Path.Combine(platform.Layout.Reports, "compare-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))),
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

        var platform = PlatformSettings.FromEnvironment(RepositoryRoot.Path);
        var start = new ProcessStartInfo(RepositoryRoot.Combine("tools", "Bench", "bench-gateway.sh")) { UseShellExecute = false };
        foreach (var (name, value) in Environment(platform, System.Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow))
            start.Environment[name] = value;
        using var script = Process.Start(start) ?? throw new PlatformException("could not start tools/Bench/bench-gateway.sh");
        await script.WaitForExitAsync();
        return script.ExitCode;
    }
}
