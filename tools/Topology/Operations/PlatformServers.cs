using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Operations;

/// <summary>
/// Starts each of the platform's servers as <c>./platform up</c> runs it: from the definitions in
/// <see cref="Services"/>, with the state directory's files, detached, and waited for until ready. A
/// server that already runs is left as it is.
/// </summary>
public sealed class PlatformServers(PlatformSettings settings, Narrator narrator)
{
    private readonly Launcher _launcher = new(new ProcessTable(settings.Layout), narrator);

    private StateLayout Layout => settings.Layout;

    private PlatformPorts Ports => settings.Ports;

    public ProcessTable Table => _launcher.Table;

    public Launcher Launcher => _launcher;

    /// <summary>The port MariaDB runs on: the one it was started on while it runs.</summary>
    public int DatabasePort => Table.RecordedPort(ProcessNames.MariaDb, Ports.Database);

    public int RedisPort => Table.RecordedPort(ProcessNames.Redis, Ports.Redis);

    public int GatewayPort => Table.RecordedPort(ProcessNames.Gateway, Ports.Gateway);

    public async Task StartMariaDbAsync()
    {
        if (AlreadyRunning(ProcessNames.MariaDb))
        {
            return;
        }

        await RequireFreePortAsync(Ports.Database, "MariaDB");
        var files = MariaDbService.Files(Layout);

        var config = MariaDbService.ConfigFile(Layout.Root);
        if (!File.Exists(config))
        {
            throw new PlatformException($"missing {Layout.Display(config)}");
        }

        await InitialiseMariaDbAsync(files);
        File.Delete(files.Socket);
        Directory.CreateDirectory(files.TempDirectory);
        narrator.Info($"starting mariadb on 127.0.0.1:{Ports.Database}");
        _launcher.StartDetached(ProcessNames.MariaDb, MariaDbService.Start(config, files, Ports.Database), Ports.Database);
        await _launcher.WaitUntilReadyAsync(
            ProcessNames.MariaDb, $"answering ping on {Layout.Display(files.Socket)}", () => MariaDbService.PingAsync(files.Socket));
    }

    /// <summary>The database, its user (with <paramref name="password"/>) and the exporter's user, idempotently.</summary>
    public async Task ProvisionDatabaseAsync(string password)
    {
        try
        {
            await MariaDbService.ExecuteAsRootAsync(Layout.MariaDbSocket, MariaDbService.ProvisionSql(password));
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new PlatformException($"could not create the 'platform' database and user: {e.Message}", e);
        }
    }

    public async Task StartRedisAsync()
    {
        if (AlreadyRunning(ProcessNames.Redis))
        {
            return;
        }

        await RequireFreePortAsync(Ports.Redis, "Redis");
        Directory.CreateDirectory(Layout.RedisData);
        narrator.Info($"starting redis on 127.0.0.1:{Ports.Redis}");
        _launcher.StartDetached(ProcessNames.Redis, RedisService.Start(Ports.Redis, Layout.RedisData, Layout.Log(ProcessNames.Redis)), Ports.Redis);
        await _launcher.WaitUntilReadyAsync(
            ProcessNames.Redis, $"answering PONG on port {Ports.Redis}", async () => await RedisService.PingAsync(Ports.Redis) == "PONG");
    }

    /// <summary>Starts replica <paramref name="number"/> without waiting for it (<see cref="WaitForReplicaAsync"/>).</summary>
    public async Task StartReplicaAsync(int number, string databasePassword)
    {
        var name = ProcessNames.Replica(number);
        if (AlreadyRunning(name, Ports.Api(number)))
        {
            return;
        }

        await RequireFreePortAsync(Ports.Api(number), name);
        await RequireFreePortAsync(Ports.Metrics(number), name + " metrics");
        narrator.Info($"starting {name} on 127.0.0.1:{Ports.Api(number)} (metrics :{Ports.Metrics(number)})");
        var command = ApiReplicaService.Start(
            Layout.ApiApp, name, Ports.Api(number), Ports.Metrics(number),
            MariaDbService.TcpConnectionString(DatabasePort, MariaDbService.AppUser, databasePassword),
            RedisService.Configuration(RedisPort), Layout.IdentityKeyFile);
        _launcher.StartDetached(name, command, Ports.Api(number));
    }

    public Task WaitForReplicaAsync(int number)
    {
        var ready = Probes.Local(Ports.Api(number), "/health/ready");
        return _launcher.WaitUntilReadyAsync(
            ProcessNames.Replica(number), $"answering /health/ready on port {Ports.Api(number)}",
            () => Probes.HttpOkAsync(ready), () => Probes.HttpHealthAsync(ready));
    }

    /// <summary>Starts the gateway in front of the destinations file's replicas, with the bench clients' settings.</summary>
    public async Task StartGatewayAsync()
    {
        if (AlreadyRunning(ProcessNames.Gateway, Ports.Gateway))
        {
            return;
        }

        await RequireFreePortAsync(Ports.Gateway, "the gateway");
        await RequireFreePortAsync(Ports.GatewayMetrics, "gateway metrics");
        narrator.Info($"starting gateway on 127.0.0.1:{Ports.Gateway} (metrics :{Ports.GatewayMetrics})");
        var command = GatewayService.Start(
                Layout.GatewayApp, Ports.Gateway, Ports.GatewayMetrics, Layout.IdentityKeyFile, Layout.DestinationsFile, Layout.ClientsFile)
            .WithEnvironment(BenchClients.GatewaySettings);
        _launcher.StartDetached(ProcessNames.Gateway, command, Ports.Gateway);
        var ready = Probes.Local(Ports.GatewayMetrics, "/health/ready");
        await _launcher.WaitUntilReadyAsync(
            ProcessNames.Gateway, $"answering /health/ready on port {Ports.GatewayMetrics}",
            () => Probes.HttpOkAsync(ready), () => Probes.HttpHealthAsync(ready));
    }

    /// <summary>The host's, MariaDB's and Redis's exporters; the MariaDB exporter's user is provisioned first.</summary>
    public async Task StartExportersAsync()
    {
        var password = ExporterLogin.ReadPassword(Layout.MysqldExporterSettings) ?? Secrets.RandomKey();
        try
        {
            await MariaDbService.ExecuteAsRootAsync(Layout.MariaDbSocket, MariaDbService.ExporterSql(password));
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new PlatformException($"could not create the 'exporter' database user: {e.Message}", e);
        }

        ExporterLogin.Write(Layout.MysqldExporterSettings, MariaDbService.ExporterUser, password, DatabasePort);
        await StartExporterAsync(ProcessNames.NodeExporter, Ports.NodeExporter, ExporterServices.NodeExporter(Ports.NodeExporter));
        await StartExporterAsync(ProcessNames.MysqldExporter, Ports.MysqldExporter, ExporterServices.MysqldExporter(Ports.MysqldExporter, Layout.MysqldExporterSettings));
        await StartExporterAsync(ProcessNames.RedisExporter, Ports.RedisExporter, ExporterServices.RedisExporter(Ports.RedisExporter, RedisPort));
    }

    /// <summary>Writes Alertmanager's configuration (checked by amtool) and starts it, or has a running one reload it.</summary>
    public async Task StartAlertmanagerAsync()
    {
        Directory.CreateDirectory(Layout.AlertmanagerDirectory);
        AtomicFile.Write(Path.Combine(Layout.AlertmanagerDirectory, AlertmanagerService.ConfigFileName), AlertmanagerConfig.Render(AlertmanagerConfig.Template(Layout.Root)));
        await CheckAsync(AlertmanagerService.Check(Layout.AlertmanagerDirectory), "amtool", "amtool rejected prometheus/alertmanager.yml");
        if (ReloadIfRunning(ProcessNames.Alertmanager, "reloading its configuration"))
        {
            return;
        }

        await RequireFreePortAsync(Ports.Alertmanager, "Alertmanager");
        Directory.CreateDirectory(Layout.AlertmanagerData);
        narrator.Info($"starting alertmanager on 127.0.0.1:{Ports.Alertmanager}");
        _launcher.StartDetached(ProcessNames.Alertmanager, AlertmanagerService.Start(Layout.AlertmanagerDirectory, Layout.AlertmanagerData, Ports.Alertmanager), Ports.Alertmanager);
        var ready = Probes.Local(Ports.Alertmanager, "/-/ready");
        await _launcher.WaitUntilReadyAsync(ProcessNames.Alertmanager, $"answering /-/ready on port {Ports.Alertmanager}", () => Probes.HttpOkAsync(ready));
    }

    /// <summary>Writes Prometheus's configuration, rules and targets (checked by promtool) and starts it, or has a running one reload them.</summary>
    public async Task StartPrometheusAsync()
    {
        var directory = Layout.PrometheusDirectory;
        Directory.CreateDirectory(directory);
        AtomicFile.Write(Path.Combine(directory, PrometheusService.ConfigFileName), PrometheusConfig.Render(PrometheusConfig.Template(Layout.Root), new PrometheusWiring(
            Authority(Ports.Prometheus), Authority(Ports.Alertmanager), [Authority(Ports.MysqldExporter)], [Authority(Ports.RedisExporter)])));
        AtomicFile.Write(Path.Combine(directory, PrometheusConfig.RulesFileName), File.ReadAllText(PrometheusConfig.Rules(Layout.Root)));
        WritePrometheusTargets();
        AtomicFile.Write(Path.Combine(directory, PrometheusConfig.NodeTargets),
            PrometheusTargets.NodeJson(Authority(Ports.NodeExporter), PrometheusTargets.MountPointOf(Layout.State)));
        await CheckAsync(PrometheusService.Check(directory), "promtool",
            "promtool rejected the Prometheus configuration (prometheus/prometheus.local.yml or prometheus/alerts.yml)");
        if (ReloadIfRunning(ProcessNames.Prometheus, "reloading its configuration and rules"))
        {
            return;
        }

        await RequireFreePortAsync(Ports.Prometheus, "Prometheus");
        Directory.CreateDirectory(Layout.PrometheusData);
        narrator.Info($"starting prometheus on 127.0.0.1:{Ports.Prometheus}");
        _launcher.StartDetached(ProcessNames.Prometheus, PrometheusService.Start(directory, Layout.PrometheusData, Ports.Prometheus), Ports.Prometheus);
        var ready = Probes.Local(Ports.Prometheus, "/-/ready");
        await _launcher.WaitUntilReadyAsync(ProcessNames.Prometheus, $"answering /-/ready on port {Ports.Prometheus}", () => Probes.HttpOkAsync(ready));
    }

    /// <summary>
    /// Tells the gateway and Prometheus which replicas run (1..<paramref name="replicas"/>) and remembers the
    /// count. Both watch their files and reload them without a restart.
    /// </summary>
    public void PublishReplicaSet(int replicas)
    {
        DestinationsFile.Write(Layout.DestinationsFile, Enumerable.Range(1, replicas).ToDictionary(
            ProcessNames.Replica, n => Probes.Local(Ports.Api(n), "")));
        WritePrometheusTargets(replicas);
        AtomicFile.Write(Layout.ReplicasFile, replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
    }

    private void WritePrometheusTargets(int? replicas = null)
    {
        var count = replicas ?? settings.Replicas;
        AtomicFile.Write(Path.Combine(Layout.PrometheusDirectory, PrometheusConfig.ApiTargets),
            PrometheusTargets.Json(Enumerable.Range(1, count).Select(n => Authority(Ports.Metrics(n)))));
        AtomicFile.Write(Path.Combine(Layout.PrometheusDirectory, PrometheusConfig.GatewayTargets),
            PrometheusTargets.Json([Authority(Ports.GatewayMetrics)]));
    }

    private async Task StartExporterAsync(string name, int port, ServiceCommand command)
    {
        if (AlreadyRunning(name, port))
        {
            return;
        }

        await RequireFreePortAsync(port, name);
        narrator.Info($"starting {name} on 127.0.0.1:{port}");
        _launcher.StartDetached(name, command, port);
        var ready = Probes.Local(port, "/metrics");
        await _launcher.WaitUntilReadyAsync(name, $"answering /metrics on port {port}", () => Probes.HttpOkAsync(ready));
    }

    // Creates the system tables in a scratch directory and moves it into place only on success, so an
    // interrupted initialisation never leaves a half-made data directory behind.
    private async Task InitialiseMariaDbAsync(MariaDbFiles files)
    {
        if (Directory.Exists(Path.Combine(files.DataDirectory, "mysql")))
        {
            return;
        }

        if (Directory.Exists(files.DataDirectory) && Directory.EnumerateFileSystemEntries(files.DataDirectory).Any())
        {
            throw new PlatformException($"{Layout.Display(files.DataDirectory)} is not empty but holds no MariaDB system tables; move it away and run 'up' again");
        }

        narrator.Info("initialising MariaDB data directory");
        var scratch = UniqueDirectory.Create(Layout.State, "mariadb-init.");
        Directory.CreateDirectory(files.TempDirectory);
        var log = Layout.Log("mariadb-install-db");
        var (exitCode, output) = await CommandRunner.RunAsync(MariaDbService.Install(scratch, files.TempDirectory), TimeSpan.FromMinutes(5));
        await File.WriteAllTextAsync(log, output);
        if (exitCode != 0)
        {
            Directory.Delete(scratch, recursive: true);
            narrator.ShowLogTail(log, Layout.Display(log));
            throw new PlatformException("mariadb-install-db failed");
        }

        if (Directory.Exists(files.DataDirectory))
        {
            Directory.Delete(files.DataDirectory, recursive: true);
        }

        Directory.Move(scratch, files.DataDirectory);
    }

    private async Task CheckAsync(ServiceCommand check, string logName, string failure)
    {
        var (exitCode, output) = await CommandRunner.RunAsync(check, TimeSpan.FromMinutes(1));
        var log = Layout.Log(logName);
        await File.WriteAllTextAsync(log, output);
        if (exitCode != 0)
        {
            narrator.ShowLogTail(log, Layout.Display(log));
            throw new PlatformException(failure);
        }
    }

    private bool AlreadyRunning(string name, int? port = null)
    {
        if (Table.RunningPid(name) is not { } pid)
        {
            return false;
        }

        narrator.Info($"{name} already running (pid {pid}, port {Table.RecordedPort(name, port ?? Ports.Of(name))})");
        return true;
    }

    private bool ReloadIfRunning(string name, string what)
    {
        if (Table.RunningPid(name) is not { } pid)
        {
            return false;
        }

        narrator.Info($"{name} already running (pid {pid}): {what}");
        Signals.TrySend(pid, Signals.Hangup);
        return true;
    }

    private static async Task RequireFreePortAsync(int port, string what)
    {
        if (await Probes.PortInUseAsync(port))
        {
            throw new PlatformException($"port {port} (for {what}) is already in use by a process the platform did not start; stop it or choose another port");
        }
    }

    private static string Authority(int port) => RedisService.Configuration(port);
}
