using System.Globalization;
using System.Text.Json;

namespace Platform.Load.Cli;

/// <summary>What <c>./platform bench</c> passes in its environment (see the platform script).</summary>
public sealed record BenchSettings(
    Uri Gateway,
    Uri GatewayMetrics,
    IReadOnlyDictionary<string, string> ApiKeys,
    System.Net.IPAddress ProxyAddress,
    string ReportsDir,
    string StateDir,
    string PlatformScript,
    string DbConnection,
    string Redis,
    int Replicas,
    int ApiBasePort)
{
    public static BenchSettings FromEnvironment()
    {
        static string Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run scenarios through './platform bench'");
        var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Get("BENCH_API_KEYS_FILE")))
            ?? throw new InvalidOperationException("BENCH_API_KEYS_FILE holds no keys");
        return new BenchSettings(
            new Uri(Get("BENCH_GATEWAY_URL")),
            new Uri(Get("BENCH_GATEWAY_METRICS_URL")),
            keys,
            System.Net.IPAddress.Parse(Get("BENCH_PROXY_ADDRESS")),
            Get("BENCH_REPORTS_DIR"),
            Get("BENCH_STATE_DIR"),
            Get("BENCH_PLATFORM"),
            Get("BENCH_DB_CONNECTION"),
            Get("BENCH_REDIS"),
            int.Parse(Get("BENCH_REPLICAS"), CultureInfo.InvariantCulture),
            int.Parse(Get("BENCH_API_BASE_PORT"), CultureInfo.InvariantCulture));
    }

    /// <summary>Replica <paramref name="number"/>'s management port: the gateway's plus the number, as <c>./platform</c> assigns them.</summary>
    public Uri ReplicaMetrics(int number) => new UriBuilder(GatewayMetrics) { Port = GatewayMetrics.Port + number }.Uri;

    public string ApiKey(string client) => ApiKeys.TryGetValue(client, out var key)
        ? key
        : throw new InvalidOperationException($"no bench API key '{client}' in BENCH_API_KEYS_FILE");
}
