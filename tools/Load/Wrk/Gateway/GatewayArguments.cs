using System.Globalization;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// <c>gateway</c> takes no arguments; its BENCH_* settings, with the bash script's names and defaults
/// (docs/load-scenarios.md lists them): what runs (configurations, rounds, workload, wrk's shape), the
/// gateway's extra settings and publish arguments, the ports of the proxies it starts, and profiling.
/// </summary>
public sealed record GatewayArguments(
    int Duration,
    int Warmup,
    int Connections,
    int Threads,
    IReadOnlyList<string> Configs,
    int Rounds,
    string Baseline,
    string Workload,
    IReadOnlyList<string> GatewayEnvironment,
    IReadOnlyList<string> PublishArguments,
    bool Publish,
    int GatewayPort,
    int MetricsPort,
    int NginxPort,
    int GatewayTlsPort,
    int NginxTlsPort,
    int RotateEvery,
    bool NewConnections,
    string Results,
    bool Allocations,
    bool Profile,
    int Rate)
{
    public const string Name = "gateway";

    public const string Direct = "direct";
    public const string GatewayOn = "gateway-on";
    public const string GatewayOff = "gateway-off";
    public const string Nginx = "nginx";
    public const string YarpFloor = "yarp-floor";
    public const string GatewayBaseline = "gateway-baseline";
    /// <summary>The published gateway as gateway-on, called over HTTPS on its TLS port with the settings <c>up</c> uses.</summary>
    public const string GatewayTls = "gateway-tls";

    /// <summary>nginx as in <see cref="Nginx"/>, terminating TLS with the same certificate, protocols and suites.</summary>
    public const string NginxTls = "nginx-tls";

    /// <summary>
    /// The ladder: the published gateway with its features turned on one at a time, in this order, each
    /// step keeping the ones before it (<see cref="LadderStep"/>). The first step is the gateway with every
    /// switchable feature off: identity (always on), the door, problems and routing of its own.
    /// </summary>
    public static IReadOnlyList<string> Ladder { get; } =
        ["gateway+identity", "gateway+limiter", "gateway+deadlines", "gateway+hedging", "gateway+outliers", "gateway+metrics", "gateway+tracing-1", "gateway+tracing-100"];

    /// <summary>How far up the ladder <paramref name="config"/> is (0 for its first step), or -1 when it is not a step.</summary>
    public static int LadderStep(string config) => Ladder.ToList().IndexOf(config);

    /// <summary>
    /// Whether <paramref name="config"/> runs the gateway published from this checkout (every feature on or
    /// off, over TLS, or a step of the <see cref="Ladder"/>); the floor and the baseline are published apart,
    /// and direct and nginx run no .NET proxy.
    /// </summary>
    public static bool RunsPublishedGateway(string config) => config is GatewayOn or GatewayOff or GatewayTls || LadderStep(config) >= 0;

    /// <summary>Whether <paramref name="config"/> runs our gateway (this checkout's or the baseline's), which signs each request's identity.</summary>
    public static bool RunsOurGateway(string config) => RunsPublishedGateway(config) || config == GatewayBaseline;

    public const string Health = "health";
    public const string Create = "create";

    public const string Usage = "usage: ./platform bench gateway (settings by BENCH_* environment variables, see docs/load-scenarios.md)";

    public static IReadOnlyList<string> KnownConfigs { get; } = [Direct, GatewayOn, GatewayOff, Nginx, YarpFloor, GatewayBaseline, GatewayTls, NginxTls, .. Ladder];

    /// <summary>The configurations that serve HTTPS (the gateway as <c>up</c> runs it, and nginx, with the platform's certificate).</summary>
    public static bool IsTls(string config) => config is GatewayTls or NginxTls;

    /// <summary>create.lua books night (offset + block * 16 + thread): one run may use this many days, enough for 5,000 requests per second per thread for the longest run allowed (20 s).</summary>
    public const int SpanDays = 16 * ((5 * 20) + 1);

    /// <summary>Parses the (empty) command line and the settings, or returns the message for a usage error.</summary>
    public static (GatewayArguments? Parsed, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> variable, string stateBench, DateTimeOffset now)
    {
        if (args.Count > 0)
            return (null, $"no arguments: settings are BENCH_* variables (got '{args[0]}')");
        var settings = new BenchVariables(variable);
        try
        {
            var configs = settings.Words("BENCH_CONFIGS", $"{Direct} {GatewayOn} {GatewayOff} {Nginx}");
            if (configs.Count == 0 || configs.Any(config => !KnownConfigs.Contains(config)))
                return (null, $"unknown configuration in BENCH_CONFIGS (known: {string.Join(", ", KnownConfigs)}; got '{variable("BENCH_CONFIGS")}')");
            var workload = settings.Text("BENCH_WORKLOAD", Health);
            if (workload is not (Health or Create))
                return (null, $"BENCH_WORKLOAD must be health or create (got '{workload}')");
            var threads = settings.Whole("BENCH_THREADS", 1, 1, 1000);
            if (workload == Create && threads > 16)
                return (null, "BENCH_WORKLOAD=create supports at most 16 wrk threads");
            var baseline = settings.Text("BENCH_BASELINE", "");
            if (configs.Contains(GatewayBaseline) && baseline.Length == 0)
                return (null, "gateway-baseline needs BENCH_BASELINE=<commit>");
            if (baseline.Length > 0 && (baseline.StartsWith('-') || !baseline.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '/' or '~' or '^' or '-')))
                return (null, $"BENCH_BASELINE must name a commit (got '{baseline}')");
            var rate = settings.Whole("BENCH_RATE", 0, 0, 100_000);
            if (rate > 0 && workload != Health)
                return (null, "BENCH_RATE measures the health workload only (a create's night needs wrk's script)");
            // A replica takes a create only with an identity bound to that create's body, which only our
            // gateway signs per request: straight to a replica, or through nginx or YARP alone, every one is a 401.
            if (workload == Create && configs.FirstOrDefault(config => !RunsOurGateway(config)) is { } unsigned)
                return (null, $"BENCH_WORKLOAD=create cannot run {unsigned}: a replica takes a create only with an identity signed for its body, and only the gateway signs each one");
            var gatewayEnvironment = settings.Words("BENCH_GATEWAY_ENV", "");
            if (gatewayEnvironment.FirstOrDefault(setting => setting.IndexOf('=', StringComparison.Ordinal) <= 0) is { } bad)
                return (null, $"BENCH_GATEWAY_ENV must be NAME=VALUE settings (got '{bad}')");

            return (new GatewayArguments(
                Duration: settings.Whole("BENCH_DURATION", 15, 1, 20),
                Warmup: settings.Whole("BENCH_WARMUP", 20, 0, 20),
                Connections: settings.Whole("BENCH_CONNECTIONS", 32, 1, 100_000),
                threads,
                configs,
                Rounds: settings.Whole("BENCH_ROUNDS", 1, 1, 9),
                baseline,
                workload,
                gatewayEnvironment,
                settings.Words("BENCH_PUBLISH_ARGS", ""),
                Publish: settings.Whole("BENCH_PUBLISH", 1, 0, 1) == 1,
                GatewayPort: settings.Whole("BENCH_GATEWAY_PORT", 18080, 1, 65535),
                MetricsPort: settings.Whole("BENCH_METRICS_PORT", 19100, 1, 65535),
                NginxPort: settings.Whole("BENCH_NGINX_PORT", 18090, 1, 65535),
                GatewayTlsPort: settings.Whole("BENCH_GATEWAY_TLS_PORT", 18443, 1, 65535),
                NginxTlsPort: settings.Whole("BENCH_NGINX_TLS_PORT", 18453, 1, 65535),
                RotateEvery: settings.Whole("BENCH_TLS_ROTATE_EVERY", 0, 0, 20),
                NewConnections: settings.Whole("BENCH_NEW_CONNECTIONS", 0, 0, 1) == 1,
                Results: settings.Text("BENCH_RESULTS", Path.Combine(stateBench, now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-gateway")),
                Allocations: settings.Whole("BENCH_ALLOCATIONS", 0, 0, 1) == 1,
                Profile: settings.Whole("BENCH_PROFILE", 0, 0, 1) == 1,
                Rate: rate), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }
}
