using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A throwaway Prometheus or Alertmanager (Debian's packages) on a loopback port, started as
/// <c>./platform up</c> starts it (<see cref="PrometheusService"/>, <see cref="AlertmanagerService"/>), its
/// configuration and data in a temp directory deleted on dispose. Ready when its resource's probe says so (<c>/-/ready</c>).
/// </summary>
public sealed class MonitoringServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ScratchDirectory _directory;
    private readonly string _name;
    private ChildProcess? _process;

    private MonitoringServer(string name, ScratchDirectory directory, int port)
    {
        _name = name;
        _directory = directory;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The directory holding the configuration files (and data/).</summary>
    public string Directory => _directory.Path;

    public OutputTail Output => _process?.Output ?? new OutputTail();

    /// <summary>
    /// Starts Prometheus on <paramref name="port"/> with <paramref name="files"/> (paths relative to
    /// its directory; <c>prometheus.yml</c> is the configuration, the others what it refers to).
    /// </summary>
    public static Task<MonitoringServer> StartPrometheusAsync(int port, IReadOnlyDictionary<string, string> files) =>
        StartAsync(PrometheusService.Server, port, PrometheusResource.Probe(port), files, directory => PrometheusService.Start(directory, Path.Combine(directory, "data"), port));

    /// <summary>Starts Alertmanager on <paramref name="port"/> with <paramref name="configuration"/> as alertmanager.yml, clustering off.</summary>
    public static Task<MonitoringServer> StartAlertmanagerAsync(int port, string configuration) =>
        StartAsync(
            AlertmanagerService.Server, port, AlertmanagerResource.Probe(port), new Dictionary<string, string> { [AlertmanagerService.ConfigFileName] = configuration },
            directory => AlertmanagerService.Start(directory, Path.Combine(directory, "data"), port));

    /// <summary>Writes a file into the server's directory through a rename, so the server never reads half of it.</summary>
    public void WriteFile(string relativePath, string content) => AtomicFile.Write(Path.Combine(Directory, relativePath), content);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        _directory.Delete();
    }

    public override string ToString() => $"{_name} at {BaseAddress}";

    private static async Task<MonitoringServer> StartAsync(
        string binary, int port, Readiness readiness, IReadOnlyDictionary<string, string> files, Func<string, ServiceCommand> command)
    {
        RequiredServer.Locate(binary);
        var server = new MonitoringServer(binary, ScratchDirectory.Create($"platform-{binary}-"), port);
        try
        {
            foreach (var (name, content) in files)
            {
                server.WriteFile(name, content);
            }

            server._process = ChildProcess.Start(command(server.Directory));
            await ReadinessProbe.WaitAsync(server._process, readiness, StartTimeout, server._name);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
