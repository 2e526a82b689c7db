using MySqlConnector;

namespace Platform.Testing;

/// <summary>
/// One of the servers' Prometheus exporters, the Debian packages `./platform up` runs, on a free
/// loopback port with the flags `./platform` gives it (start_exporters): the MariaDB exporter logs in
/// as the server's own least-privileged <c>exporter</c> user, never root.
/// </summary>
public sealed class ExporterProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;
    private readonly ScratchDirectory? _directory;

    private ExporterProcess(ChildProcess process, int port, ScratchDirectory? directory)
    {
        _process = process;
        _directory = directory;
        MetricsAddress = new Uri($"http://127.0.0.1:{port}/metrics");
    }

    public Uri MetricsAddress { get; }

    public OutputTail Output => _process.Output;

    public static Task<ExporterProcess> StartMariaDbAsync(MariaDbServer server)
    {
        var login = new MySqlConnectionStringBuilder(server.ExporterConnectionString);
        var directory = ScratchDirectory.Create("platform-mysqld-exporter-");
        var settings = directory.Combine("exporter.cnf");
        File.WriteAllText(settings, $"[client]\nuser={login.UserID}\npassword={login.Password}\nhost={login.Server}\nport={login.Port}\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(settings, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return StartAsync("prometheus-mysqld-exporter", directory, port =>
        [
            $"--config.my-cnf={settings}", $"--web.listen-address=127.0.0.1:{port}",
            "--collect.info_schema.processlist", "--no-collect.slave_status",
            "--no-collect.info_schema.innodb_cmp", "--no-collect.info_schema.innodb_cmpmem",
        ]);
    }

    public static Task<ExporterProcess> StartRedisAsync(RedisServer server) =>
        StartAsync("prometheus-redis-exporter", null, port =>
        [
            $"-redis.addr=redis://{server.ConnectionString}", $"-web.listen-address=127.0.0.1:{port}",
            "-check-single-streams=db0=reservations.events",
        ]);

    public static Task<ExporterProcess> StartNodeAsync() =>
        StartAsync("prometheus-node-exporter", null, port =>
        [
            $"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults", "--collector.filesystem",
            "--collector.meminfo", "--collector.cpu", "--collector.loadavg", "--collector.diskstats",
        ]);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory?.Delete();
    }

    private static async Task<ExporterProcess> StartAsync(string binary, ScratchDirectory? directory, Func<int, string[]> arguments)
    {
        var path = RequiredServer.Locate(binary);
        var port = FreePort.Next();
        var exporter = new ExporterProcess(ChildProcess.Start(path, arguments(port)), port, directory);
        try
        {
            await ReadinessProbe.WaitAsync(exporter._process, exporter.MetricsAddress, StartTimeout, binary);
            return exporter;
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }
    }
}
