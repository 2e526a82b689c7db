using Platform.Observability.Tests.Rules;
using Platform.Testing;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// The whole platform as `./platform up` runs it, all real processes on free loopback ports: MariaDB,
/// Redis, three API replicas, the gateway, Alertmanager (its webhook pointed at an
/// <see cref="AlertReceiver"/>) and Prometheus scraping everything every second with the
/// repository's own configuration and rules, the rules' <c>for:</c> shortened to
/// <see cref="AlertFor"/>. The overload runs once, the first time a test asks for it.
/// </summary>
public sealed class MonitoredPlatform : IAsyncLifetime
{
    /// <summary>Each replica's request pool: above the connections alert's 20, small enough to fill.</summary>
    public const int PoolSize = 22;

    /// <summary>Longer than the overload holds its lock (at most 17 s), within the replicas' Deadlines:Maximum.</summary>
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan AlertFor = TimeSpan.FromSeconds(2);

    private static readonly string[] Servers = ["mariadbd", "redis-server", "prometheus", "prometheus-alertmanager"];

    private readonly SemaphoreSlim _overloadOnce = new(1, 1);
    private ApiCluster? _cluster;
    private GatewayProcess? _gateway;
    private AlertReceiver? _receiver;
    private MonitoringServer? _alertmanager;
    private MonitoringServer? _prometheus;
    private PrometheusApi? _api;
    private OverloadRun? _overload;

    public ApiCluster Cluster => _cluster ?? throw Missing();

    public GatewayProcess Gateway => _gateway ?? throw Missing();

    public PrometheusApi Prometheus => _api ?? throw Missing();

    public AlertReceiver Receiver => _receiver ?? throw Missing();

    public async ValueTask InitializeAsync()
    {
        if (Servers.Any(binary => RequiredServer.Find(binary) is null))
            return; // Each test reports the missing server through Missing().

        // Production's deadlines and writers' share stop a held lock long before it can fill a pool
        // or make a request take 5 s. These alerts are the alarm for when they do not (a longer
        // route deadline, a writers' share as large as the pool), so this platform is configured
        // that way: 30 s deadlines (and statements), and creates or reads may each take the whole pool.
        _cluster = await ApiCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["Database__MaximumPoolSize"] = $"{PoolSize}",
            ["Database__ConnectionTimeoutSeconds"] = "2",
            ["Bulkheads__Writers"] = $"{PoolSize}",
            ["Bulkheads__Readers"] = $"{PoolSize}",
            ["Deadlines__Default"] = $"{LongDeadline:c}",
            ["Database__CommandTimeoutSeconds"] = $"{LongDeadline.TotalSeconds:0}",
        });
        _gateway = await GatewayProcess.StartAsync(_cluster.Replicas, new Dictionary<string, string> { ["Proxy__DefaultDeadline"] = $"{LongDeadline:c}" });
        _receiver = new AlertReceiver();
        _alertmanager = await MonitoringServer.StartAlertmanagerAsync(FreePort.Next(), TestConfigurations.Alertmanager(_receiver.Address));

        var prometheusPort = FreePort.Next();
        var rules = AlertRulesFile.WithFor(await File.ReadAllTextAsync(RepositoryRoot.Combine("prometheus", "alerts.yml")), AlertFor);
        _prometheus = await MonitoringServer.StartPrometheusAsync(prometheusPort, new Dictionary<string, string>
        {
            ["prometheus.yml"] = TestConfigurations.Prometheus(prometheusPort, _alertmanager.Port),
            ["alerts.yml"] = rules,
            ["targets/api.json"] = TestConfigurations.Targets(_cluster.Replicas.Select(replica => replica.MetricsAddress)),
            ["targets/gateway.json"] = TestConfigurations.Targets([_gateway.MetricsAddress!]),
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

    /// <summary>What the monitoring processes said, for a failure message.</summary>
    public string Diagnostics() =>
        $"prometheus:{Environment.NewLine}{_prometheus?.Output}{Environment.NewLine}alertmanager:{Environment.NewLine}{_alertmanager?.Output}";

    public async ValueTask DisposeAsync()
    {
        _api?.Dispose();
        if (_prometheus is not null)
            await _prometheus.DisposeAsync();
        if (_alertmanager is not null)
            await _alertmanager.DisposeAsync();
        _receiver?.Dispose();
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        _overloadOnce.Dispose();
    }

    private static InvalidOperationException Missing()
    {
        foreach (var binary in Servers)
            RequiredServer.Locate(binary);
        return new InvalidOperationException("The platform did not start; see the fixture's error.");
    }
}

[CollectionDefinition(Name)]
public sealed class SharedMonitoredPlatform : ICollectionFixture<MonitoredPlatform>
{
    public const string Name = "monitored platform";
}
