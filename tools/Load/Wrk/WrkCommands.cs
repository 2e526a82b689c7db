using Platform.Load.Cli;
using Platform.Load.Wrk.Compare;
using Platform.Load.Wrk.Gateway;
using Platform.Load.Wrk.Paired;
using Platform.Load.Wrk.Writes;
using Platform.Topology;

namespace Platform.Load.Wrk;

/// <summary>
/// The wrk benches among the load tool's commands (<c>./platform bench paired|compare|writes|gateway …</c>): raw throughput of the
/// request path with wrk and tools/Bench's Lua scripts, beside the C# scenarios. Settings are BENCH_*
/// variables; the platform comes from the topology model.
/// </summary>
public static class WrkCommands
{
    public static IReadOnlyList<string> Names { get; } = [PairedArguments.Name, CompareBench.Name, WritesArguments.Name, GatewayArguments.Name];

    /// <summary>Runs the wrk bench <paramref name="name"/>: 0 when it ran, 64 on misuse, 1 when it failed.</summary>
    public static async Task<int> RunAsync(string name, IReadOnlyList<string> args)
    {
        try
        {
            return name switch
            {
                CompareBench.Name => await CompareBench.RunAsync(args),
                WritesArguments.Name => await WritesAsync(args),
                GatewayArguments.Name => await GatewayAsync(args, Environment.GetEnvironmentVariable),
                _ => await PairedAsync(args),
            };
        }
        catch (PlatformException e)
        {
            await Console.Out.FlushAsync();
            await Console.Error.WriteLineAsync($"error: {name}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> PairedAsync(IReadOnlyList<string> args)
    {
        var (parsed, error) = PairedArguments.Parse(args, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"error: {error}\n{PairedArguments.Usage}");
            return Arguments.UsageError;
        }

        await new PairedBench(parsed, Console.Out, Console.Error).RunAsync();
        return 0;
    }

    private static async Task<int> WritesAsync(IReadOnlyList<string> args)
    {
        var platform = PlatformSettings.FromEnvironment(RepositoryRoot.Path);
        var (parsed, error) = WritesArguments.Parse(
            args, Environment.GetEnvironmentVariable, WritesBench.ReplicaUrls(platform), Path.Combine(platform.Layout.State, "bench"), DateTimeOffset.UtcNow);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"error: {error}\n{WritesArguments.Usage}");
            return Arguments.UsageError;
        }

        await new WritesBench(parsed, BenchSettings.From(platform), Console.Out, Console.Error).RunAsync();
        return 0;
    }

    /// <summary>The gateway bench with the settings <paramref name="variable"/> gives (compare passes its own).</summary>
    public static async Task<int> GatewayAsync(IReadOnlyList<string> args, Func<string, string?> variable)
    {
        var platform = PlatformSettings.FromEnvironment(RepositoryRoot.Path);
        var (parsed, error) = GatewayArguments.Parse(args, variable, Path.Combine(platform.Layout.State, "bench"), DateTimeOffset.UtcNow);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"error: {error}\n{GatewayArguments.Usage}");
            return Arguments.UsageError;
        }

        return await new GatewayBench(parsed, BenchSettings.From(platform), Console.Out, Console.Error).RunAsync();
    }
}
