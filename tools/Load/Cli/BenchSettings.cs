using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Cli;

/// <summary>
/// The platform a scenario runs against, read the way <c>./platform</c> reads it: the <c>PLATFORM_*</c>
/// variables (<see cref="PlatformSettings"/>) and the state directory, whose pid files give the ports the
/// servers were really started on and which holds the bench keys and the database password.
/// </summary>
public sealed record BenchSettings(
    PlatformSettings Platform,
    Uri Gateway,
    IReadOnlyDictionary<string, string> ApiKeys,
    string DbConnection,
    string Redis)
{
    /// <summary>The servers a scenario cannot run without; the rest a run only observes or restarts.</summary>
    private static readonly string[] Required = [ProcessNames.MariaDb, ProcessNames.Redis, ProcessNames.Gateway];

    /// <summary>
    /// The settings of <paramref name="platform"/> once it runs and has its bench keys; else an error that
    /// says to run <c>./platform up</c>, so a scenario never starts against half a platform.
    /// </summary>
    /// <exception cref="PlatformException">A required server is not running, or a bench key is missing.</exception>
    public static BenchSettings ForRunningPlatform(PlatformSettings platform)
    {
        var table = new ProcessTable(platform.Layout);
        foreach (var server in Required)
        {
            if (table.RunningPid(server) is null)
                throw new PlatformException($"{server} is not running: start the platform with './platform up' first");
        }

        var settings = From(platform);
        if (BenchClients.Names.Any(name => !settings.ApiKeys.ContainsKey(name)))
            throw new PlatformException($"no bench API keys in {settings.KeysFileDisplay}: run './platform up' (down first if it runs) to create them");
        return settings;
    }

    /// <summary>
    /// The settings as the state directory has them now: a server that is not running is assumed on its
    /// configured port, and a missing keys file gives no keys.
    /// </summary>
    public static BenchSettings From(PlatformSettings platform)
    {
        var layout = platform.Layout;
        var ports = platform.Ports;
        var table = new ProcessTable(layout);
        return new BenchSettings(
            platform,
            Probes.Local(table.RecordedPort(ProcessNames.Gateway, ports.Gateway), "/"),
            BenchClients.ReadKeys(layout.BenchKeysFile),
            // Every node of a cluster, as the replicas reach them: the audit reads whichever answers.
            new GaleraTopology(platform.DatabaseNodes, table.RecordedPort(ProcessNames.MariaDb, ports.Database)).ConnectionString(
                MariaDbService.AppUser, Secrets.StoredDatabasePassword(layout.PasswordFile) ?? ""),
            // The audit reads the stream's entries, which only the operator may (the relay only appends and reconciles).
            RedisService.Configuration(table.RecordedPort(ProcessNames.Redis, ports.Redis), RedisUsers.Operator, RedisService.Passwords(layout)[RedisUsers.Operator]));
    }

    /// <summary>The gateway's management port (/metrics).</summary>
    public Uri GatewayMetrics => Probes.Local(Platform.Ports.GatewayMetrics, "/");

    public string ReportsDir => Platform.Layout.Reports;

    public int Replicas => Platform.Replicas;

    /// <summary>Replica <paramref name="number"/>'s management port (/metrics).</summary>
    public Uri ReplicaMetrics(int number) => Probes.Local(Platform.Ports.Metrics(number), "/");

    public string ApiKey(string client) => ApiKeys.TryGetValue(client, out var key)
        ? key
        : throw new InvalidOperationException($"no bench API key '{client}' in {KeysFileDisplay}");

    private string KeysFileDisplay => Platform.Layout.Display(Platform.Layout.BenchKeysFile);
}
