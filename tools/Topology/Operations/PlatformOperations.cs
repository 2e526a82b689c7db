using System.Globalization;
using Platform.Topology.Files;
using Platform.Topology.Processes;

namespace Platform.Topology.Operations;

/// <summary>
/// What <c>./platform up</c>, <c>down</c> and <c>scale</c> do, for the CLI and for anything else that must
/// bring the platform back (the load scenarios restart what a fault stopped by calling <see cref="UpAsync"/>).
/// </summary>
public sealed class PlatformOperations(PlatformSettings settings, Narrator narrator)
{
    // A replica serves on through its drain delay (6 s), then lets in-flight requests finish; the gateway
    // drains in-flight requests for up to Proxy:DrainTimeout (30 s).
    private static readonly TimeSpan ApiStopTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan GatewayStopTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan GatewayReloadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RedisStopTimeout = TimeSpan.FromSeconds(30);
    // InnoDB recovers from a SIGKILL, but a clean shutdown is always tried first and given time.
    private static readonly TimeSpan MariaDbStopTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PrometheusStopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AlertmanagerStopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ExporterStopTimeout = TimeSpan.FromSeconds(10);

    private readonly PlatformServers _servers = new(settings, narrator);

    public PlatformSettings Settings => settings;

    public ProcessTable Table => _servers.Table;

    /// <summary>Starts whatever of the platform is not running: MariaDB, Redis, the replicas, then the gateway, exporters and monitoring.</summary>
    public async Task UpAsync()
    {
        settings.RequireDistinctPorts();
        var layout = settings.Layout;
        Directory.CreateDirectory(layout.Pids);
        Directory.CreateDirectory(layout.Logs);

        await _servers.StartMariaDbAsync();
        var password = DatabasePassword();
        await _servers.ProvisionDatabaseAsync(password);
        await _servers.StartRedisAsync();

        var builds = new AppBuilds(layout, Table, narrator);
        await builds.PublishApiAsync();
        await builds.PublishGatewayAsync();
        Secrets.EnsureIdentityKey(layout.IdentityKeyFile);
        for (var n = 1; n <= settings.Replicas; n++)
        {
            await _servers.StartReplicaAsync(n, password);
        }

        for (var n = 1; n <= settings.Replicas; n++)
        {
            await _servers.WaitForReplicaAsync(n);
        }

        // Last, so that the gateway never answers clients before a replica can.
        BenchClients.Ensure(layout.BenchKeysFile, layout.ClientsFile);
        _servers.PublishReplicaSet(settings.Replicas);
        await _servers.StartGatewayAsync();
        await _servers.StartExportersAsync();
        await _servers.StartAlertmanagerAsync();
        await _servers.StartPrometheusAsync();
        PrintSummary();
    }

    /// <summary>Stops everything: monitoring first, so stopping the rest raises no alert; then the gateway, so no request goes to a replica that is stopping.</summary>
    public async Task DownAsync()
    {
        var launcher = _servers.Launcher;
        await launcher.StopAsync(ProcessNames.Prometheus, PrometheusStopTimeout);
        await launcher.StopAsync(ProcessNames.Alertmanager, AlertmanagerStopTimeout);
        // They exit at once on SIGTERM, so the launcher seldom has to say so; this line does.
        narrator.Info("stopping the exporters");
        await launcher.StopAllAsync(ProcessNames.Exporters, ExporterStopTimeout);
        await launcher.StopAsync(ProcessNames.Gateway, GatewayStopTimeout);
        await launcher.StopAllAsync(Table.ReplicaNumbers().Select(ProcessNames.Replica), ApiStopTimeout);
        await launcher.StopAsync(ProcessNames.Redis, RedisStopTimeout);
        await launcher.StopAsync(ProcessNames.MariaDb, MariaDbStopTimeout);
        if (File.Exists(settings.Layout.MariaDbSocket))
        {
            File.Delete(settings.Layout.MariaDbSocket);
        }

        narrator.Info("platform is down");
    }

    /// <summary>
    /// Starts or stops replicas until 1..<paramref name="target"/> run. New replicas join the gateway and
    /// Prometheus only once ready. Removed ones leave the gateway first; once it has dropped them (and
    /// in-flight requests have had a moment to arrive) they get SIGTERM and finish what they are serving.
    /// </summary>
    public async Task<(int Started, int Stopped)> ScaleAsync(int target)
    {
        foreach (var server in new[] { ProcessNames.MariaDb, ProcessNames.Redis, ProcessNames.Gateway })
        {
            if (Table.RunningPid(server) is null)
            {
                throw new PlatformException($"{server} is not running (MariaDB, Redis and the gateway must be): run './platform up' first");
            }
        }

        var starting = Enumerable.Range(1, target).Where(n => Table.RunningPid(ProcessNames.Replica(n)) is null).ToList();
        var stopping = Table.ReplicaNumbers().Where(n => n > target && Table.RunningPid(ProcessNames.Replica(n)) is not null).ToList();
        if (starting.Count > 0)
        {
            var password = DatabasePassword();
            settings.WithReplicas(target).RequireDistinctPorts();
            await new AppBuilds(settings.Layout, Table, narrator).PublishApiAsync();
            foreach (var n in starting)
            {
                await _servers.StartReplicaAsync(n, password);
            }

            foreach (var n in starting)
            {
                await _servers.WaitForReplicaAsync(n);
            }
        }

        _servers.PublishReplicaSet(target);
        var log = settings.Layout.Display(settings.Layout.Log(ProcessNames.Gateway));
        foreach (var n in starting)
        {
            if (!await WaitForGatewayAsync(ProcessNames.Replica(n), routed: true))
            {
                throw new PlatformException($"the gateway did not pick up {ProcessNames.Replica(n)} within {GatewayReloadTimeout.TotalSeconds:0}s; see {log}");
            }
        }

        foreach (var n in stopping)
        {
            if (!await WaitForGatewayAsync(ProcessNames.Replica(n), routed: false))
            {
                throw new PlatformException($"the gateway still routes to {ProcessNames.Replica(n)} after {GatewayReloadTimeout.TotalSeconds:0}s; it is left running; see {log}");
            }
        }

        if (stopping.Count > 0)
        {
            // A request the gateway sent just before it reloaded may still be on the wire; each replica also
            // keeps serving through its own drain delay (Shutdown:DrainDelay) before it stops.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await _servers.Launcher.StopAllAsync(stopping.Select(ProcessNames.Replica), ApiStopTimeout);
        }

        narrator.Info($"{target} replica(s) running and routed to (started {starting.Count}, stopped {stopping.Count})");
        return (starting.Count, stopping.Count);
    }

    /// <summary>The 'platform' user's password, as <c>up</c> sets it (PLATFORM_DB_PASSWORD wins and is stored).</summary>
    public string DatabasePassword() =>
        Secrets.DatabasePassword(settings.Layout.PasswordFile, Environment.GetEnvironmentVariable(PlatformVariables.DatabasePassword));

    // The gateway's /metrics lists a destination exactly while it is in its configuration and may be routed to.
    private async Task<bool> WaitForGatewayAsync(string destination, bool routed)
    {
        var metrics = Probes.Local(settings.Ports.GatewayMetrics, "/metrics");
        var line = $"gateway_upstream_healthy{{cluster=\"{Services.GatewayService.Cluster}\",destination=\"{destination}\"}}";
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (stopwatch.Elapsed < GatewayReloadTimeout)
        {
            // A gateway that does not answer routes to nothing.
            var text = await Probes.HttpTextAsync(metrics);
            if ((text?.Contains(line, StringComparison.Ordinal) ?? false) == routed)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return false;
    }

    private void PrintSummary()
    {
        var ports = settings.Ports;
        var layout = settings.Layout;
        var o = narrator.Output;
        o.WriteLine();
        o.WriteLine("Platform is up.");
        o.WriteLine($"  gateway http://127.0.0.1:{_servers.GatewayPort}   metrics http://127.0.0.1:{ports.GatewayMetrics}/metrics   (clients call this)");
        for (var n = 1; n <= settings.Replicas; n++)
        {
            o.WriteLine($"  api-{n.ToString(CultureInfo.InvariantCulture),-3} http://127.0.0.1:{ports.Api(n)}   metrics http://127.0.0.1:{ports.Metrics(n)}/metrics");
        }

        o.WriteLine($"  mariadb 127.0.0.1:{_servers.DatabasePort}  database platform, user platform, password in {layout.Display(layout.PasswordFile)}");
        o.WriteLine($"  redis   127.0.0.1:{_servers.RedisPort}");
        o.WriteLine($"  prometheus http://127.0.0.1:{ports.Prometheus}  (alerts: /alerts)   alertmanager http://127.0.0.1:{ports.Alertmanager}");
        o.WriteLine($"  exporters host :{ports.NodeExporter}  mariadb :{ports.MysqldExporter} (user exporter)  redis :{ports.RedisExporter}");
        o.WriteLine($"  logs    {layout.Display(layout.Logs)}/");
        o.WriteLine("Stop everything with './platform down'; check with './platform status'.");
    }
}
