using Platform.Observability.Tests.Rules;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Files;
using Platform.Topology.Services;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// The whole platform as `./platform up` runs it, all real processes on free loopback ports: MariaDB,
/// Redis, three API replicas, the gateway, the MariaDB, Redis and host exporters, Alertmanager (its
/// webhook pointed at an <see cref="AlertReceiver"/>) and Prometheus scraping everything every second with the
/// repository's own configuration and rules, the rules' <c>for:</c> shortened to
/// <see cref="AlertFor"/>. A second, throwaway Redis with a small maxmemory (<see cref="SmallRedis"/>)
/// is scraped beside the platform's, for the memory fault. The overload runs once, the first time a test asks for it.
/// </summary>
public sealed class MonitoredPlatform : IAsyncLifetime
{
    /// <summary>Each replica's request pool: above the connections alert's 20, small enough to fill.</summary>
    public const int PoolSize = 22;

    /// <summary>Longer than the overload holds its lock (at most 17 s), within the replicas' Deadlines:Maximum.</summary>
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan AlertFor = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Scrape, evaluation and discovery interval, and Alertmanager's group waits: everything a test
    /// waits for arrives within seconds. Everything else is the repository's configuration as written.
    /// </summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The throwaway Redis's maxmemory: a few megabytes fill it in a moment.</summary>
    public const int SmallRedisMaxMemoryBytes = 4 * 1024 * 1024;

    private static readonly string[] Servers =
    [
        "mariadbd", "redis-server", "redis-cli", "prometheus", "prometheus-alertmanager",
        "prometheus-mysqld-exporter", "prometheus-redis-exporter", "prometheus-node-exporter",
    ];

    private readonly SemaphoreSlim _overloadOnce = new(1, 1);
    private ApiCluster? _cluster;
    private GatewayProcess? _gateway;
    private AlertReceiver? _receiver;
    private MonitoringServer? _alertmanager;
    private MonitoringServer? _prometheus;
    private PrometheusApi? _api;
    private RedisServer? _smallRedis;
    private ScratchDirectory? _backups;
    private ScratchDirectory? _tls;
    private readonly List<ExporterProcess> _exporters = [];
    private OverloadRun? _overload;

    public ApiCluster Cluster => _cluster ?? throw Missing();

    public GatewayProcess Gateway => _gateway ?? throw Missing();

    public PrometheusApi Prometheus => _api ?? throw Missing();

    public AlertReceiver Receiver => _receiver ?? throw Missing();

    /// <summary>A Redis apart from the platform's, with maxmemory <see cref="SmallRedisMaxMemoryBytes"/>, scraped in job "redis".</summary>
    public RedisServer SmallRedis => _smallRedis ?? throw Missing();

    /// <summary>The exporter that reads <see cref="SmallRedis"/>: its address is the instance label of its series.</summary>
    public ExporterProcess SmallRedisExporter { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!RequiredServer.AllPresent(Servers))
            return; // Each test reports the missing server through Missing().

        // Production's deadlines and writers' share stop a held lock long before it can fill a pool
        // or make a request take 5 s. These alerts are the alarm for when they do not (a longer
        // route deadline, a writers' share as large as the pool), so this platform is configured
        // that way: 30 s deadlines (and statements), and creates or reads may each take the whole pool,
        // the overload's anonymous creates included (production keeps guests to a quarter of the writers).
        _cluster = await ApiCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["Database__MaximumPoolSize"] = $"{PoolSize}",
            ["Database__ConnectionTimeoutSeconds"] = "2",
            ["Bulkheads__Writers"] = $"{PoolSize}",
            ["Bulkheads__Readers"] = $"{PoolSize}",
            ["Bulkheads__AnonymousWriters"] = $"{PoolSize}",
            ["Deadlines__Default"] = $"{LongDeadline:c}",
            ["Database__CommandTimeoutSeconds"] = $"{LongDeadline.TotalSeconds:0}",
        });
        // Its TLS port on, as up runs it: the certificate's series are what TlsCertificateExpiresSoon reads.
        _tls = ScratchDirectory.Create("platform-monitored-tls-");
        var certificates = new LocalCertificateFiles(_tls.Path);
        await LocalCertificates.EnsureAsync(certificates);
        _gateway = await GatewayProcess.StartAsync(GatewayProcess.DestinationsOf(_cluster.Replicas),
            new Dictionary<string, string> { ["Proxy__DefaultDeadline"] = $"{LongDeadline:c}" }, certificates: certificates);
        _smallRedis = await RedisServer.StartAsync();
        await RedisCliAsync(_smallRedis, "CONFIG", "SET", "maxmemory", $"{SmallRedisMaxMemoryBytes}");
        var mariadbExporter = await StartExporterAsync(ExporterProcess.StartMariaDbAsync(_cluster.Database));
        var redisExporter = await StartExporterAsync(ExporterProcess.StartRedisAsync(_cluster.Redis));
        SmallRedisExporter = await StartExporterAsync(ExporterProcess.StartRedisAsync(_smallRedis));
        var nodeExporter = await StartExporterAsync(ExporterProcess.StartNodeAsync());
        // A real backup, as the platform's schedule would take, leaves its metrics for the host
        // exporter: BackupTooOld's series exists and stays silent (it would fire without one).
        _backups = ScratchDirectory.Create("platform-monitored-backups-");
        await new BackupRun(new BackupPolicy(_backups.Path, KeepChains: 1, ChainLength: 0), _cluster.Database.Root, Narrator.Silent)
        {
            MetricsDirectory = nodeExporter.Directory,
        }.RunAsync(TestContext.Current.CancellationToken);

        _receiver = new AlertReceiver();
        _alertmanager = await MonitoringServer.StartAlertmanagerAsync(
            FreePort.Next(), AlertmanagerConfig.Render(AlertmanagerConfig.Template(RepositoryRoot.Path), _receiver.Address, Interval));

        var prometheusPort = FreePort.Next();
        var rules = AlertRulesFile.WithFor(await File.ReadAllTextAsync(PrometheusConfig.Rules(RepositoryRoot.Path)), AlertFor);
        var wiring = new PrometheusWiring(
            Prometheus: $"127.0.0.1:{prometheusPort}",
            Alertmanager: $"127.0.0.1:{_alertmanager.Port}",
            MariaDbExporters: [mariadbExporter.MetricsAddress.Authority],
            RedisExporters: [redisExporter.MetricsAddress.Authority, SmallRedisExporter.MetricsAddress.Authority],
            Interval: Interval);
        _prometheus = await MonitoringServer.StartPrometheusAsync(prometheusPort, new Dictionary<string, string>
        {
            [PrometheusService.ConfigFileName] = PrometheusConfig.Render(PrometheusConfig.Template(RepositoryRoot.Path), wiring),
            [PrometheusConfig.RulesFileName] = rules,
            [PrometheusConfig.ApiTargets] = PrometheusTargets.Json(_cluster.Replicas.Select(replica => replica.MetricsAddress.Authority)),
            [PrometheusConfig.GatewayTargets] = PrometheusTargets.Json([_gateway.MetricsAddress!.Authority]),
            [PrometheusConfig.NodeTargets] = PrometheusTargets.NodeJson(
                nodeExporter.MetricsAddress.Authority, PrometheusTargets.MountPointOf(_cluster.Database.DataDirectory)),
        });
        _api = new PrometheusApi(_prometheus.BaseAddress);
    }

    /// <summary>Runs <see cref="OverloadScenario"/> once and hands every caller the same record of it.</summary>
    public async Task<OverloadRun> OverloadAsync()
    {
        _ = Cluster;
        await _overloadOnce.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _overload ??= await OverloadScenario.RunAsync(this);
        }
        finally
        {
            _overloadOnce.Release();
        }
    }

    /// <summary>Runs redis-cli against <paramref name="server"/> and returns its answer; fails on a non-zero exit.</summary>
    public static async Task<string> RedisCliAsync(RedisServer server, params string[] arguments)
    {
        var port = server.ConnectionString[(server.ConnectionString.LastIndexOf(':') + 1)..];
        // As the operator, its password in REDISCLI_AUTH: redis-cli's -a would show it in ps.
        var (exitCode, output) = await ChildProcess.RunAsync(RequiredServer.Locate("redis-cli"), ["-h", "127.0.0.1", "-p", port, "--user", RedisUsers.Operator, .. arguments], TimeSpan.FromSeconds(30),
            new Dictionary<string, string> { ["REDISCLI_AUTH"] = server.Passwords[RedisUsers.Operator] });
        Assert.True(exitCode == 0, $"redis-cli {string.Join(' ', arguments)} exited {exitCode}: {output}");
        return output;
    }

    /// <summary>What the monitoring processes said, for a failure message.</summary>
    public string Diagnostics() =>
        $"prometheus:{Environment.NewLine}{_prometheus?.Output}{Environment.NewLine}alertmanager:{Environment.NewLine}{_alertmanager?.Output}";

    public async ValueTask DisposeAsync()
    {
        _api?.Dispose();
        foreach (var exporter in _exporters)
            await exporter.DisposeAsync();
        if (_smallRedis is not null)
            await _smallRedis.DisposeAsync();
        if (_prometheus is not null)
            await _prometheus.DisposeAsync();
        if (_alertmanager is not null)
            await _alertmanager.DisposeAsync();
        _receiver?.Dispose();
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        _backups?.Delete();
        _tls?.Delete();
        _overloadOnce.Dispose();
    }

    private async Task<ExporterProcess> StartExporterAsync(Task<ExporterProcess> starting)
    {
        var exporter = await starting;
        _exporters.Add(exporter);
        return exporter;
    }

    private static InvalidOperationException Missing() => RequiredServer.Missing("platform", Servers);
}

[CollectionDefinition(Name)]
public sealed class SharedMonitoredPlatform : ICollectionFixture<MonitoredPlatform>
{
    public const string Name = "monitored platform";
}
