namespace Platform.Topology.Services;

/// <summary>What every one of our .NET processes runs with, whoever starts it.</summary>
public static class HostDefaults
{
    /// <summary>The thread pool's spin limit unless the caller's environment sets one.</summary>
    public const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>
    /// Production environment, and the thread pool's semaphore spinning off: the replicas and the gateway
    /// share a few cores with MariaDB and whoever loads them, and spinning idle workers take CPU the others
    /// need (docs/benchmarks/write-path.md, run 2; docs/benchmarks/load-scenario-runs.md, Faults: under the flood
    /// the calm clients' p99 was 62-74 ms with it at 0, 114-236 ms without). The compose file sets the same
    /// for the replicas (tests/Deployment.Tests checks it); an operator's own <c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit</c> wins.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Production() => new Dictionary<string, string>
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        [SpinLimitVariable] = Environment.GetEnvironmentVariable(SpinLimitVariable) is { Length: > 0 } given ? given : "0",
    };
}
