using MySqlConnector;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// One of the servers' Prometheus exporters, the Debian packages `./platform up` runs, on a free
/// loopback port and started as `./platform up` starts it (<see cref="ExporterServices"/>): the MariaDB
/// exporter logs in as the server's own least-privileged <c>exporter</c> user, never root.
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

    /// <summary>The scratch directory the exporter was given: the node exporter's textfile directory, the MariaDB exporter's login.</summary>
    public string? Directory => _directory?.Path;

    public OutputTail Output => _process.Output;

    public static Task<ExporterProcess> StartMariaDbAsync(MariaDbServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        RequiredServer.Locate(ExporterServices.Mysqld);
        var login = new MySqlConnectionStringBuilder(server.ExporterConnectionString);
        var directory = ScratchDirectory.Create("platform-mysqld-exporter-");
        var settings = directory.Combine("exporter.cnf");
        ExporterLogin.Write(settings, login.UserID, login.Password, server.Port);
        return StartAsync(ExporterServices.Mysqld, directory, port => ExporterServices.MysqldExporter(port, settings), MysqldExporterResource.Probe);
    }

    /// <summary>Node <paramref name="node"/>'s exporter, logged in to 127.0.0.N as `./platform up` starts it for a cluster.</summary>
    public static Task<ExporterProcess> StartMariaDbAsync(GaleraCluster cluster, int node)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        RequiredServer.Locate(ExporterServices.Mysqld);
        var login = new MySqlConnectionStringBuilder(cluster.ExporterConnectionString(node));
        var directory = ScratchDirectory.Create("platform-mysqld-exporter-");
        var settings = directory.Combine("exporter.cnf");
        ExporterLogin.Write(settings, login.UserID, login.Password, cluster.Port, login.Server);
        return StartAsync(ExporterServices.Mysqld, directory, port => ExporterServices.MysqldExporter(port, settings), MysqldExporterResource.Probe);
    }

    public static Task<ExporterProcess> StartRedisAsync(RedisServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return StartAsync(ExporterServices.Redis, null, port => ExporterServices.RedisExporter(port, server.Port, server.Passwords[RedisUsers.Exporter]), RedisExporterResource.Probe);
    }

    /// <summary>The host's exporter, its textfile collector reading a scratch directory (<see cref="Directory"/>), empty until a backup writes there.</summary>
    public static Task<ExporterProcess> StartNodeAsync()
    {
        var directory = ScratchDirectory.Create("platform-node-exporter-");
        return StartAsync(ExporterServices.Node, directory, port => ExporterServices.NodeExporter(port, directory.Path), NodeExporterResource.Probe);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory?.Delete();
    }

    private static async Task<ExporterProcess> StartAsync(
        string binary, ScratchDirectory? directory, Func<int, ServiceCommand> command, Func<int, Readiness> probe)
    {
        RequiredServer.Locate(binary);
        var port = FreePort.Next();
        var exporter = new ExporterProcess(ChildProcess.Start(command(port)), port, directory);
        try
        {
            await ReadinessProbe.WaitAsync(exporter._process, probe(port), StartTimeout, binary);
            return exporter;
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }
    }
}
