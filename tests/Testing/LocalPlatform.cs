using System.Globalization;
using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// The whole platform as an operator runs it, through the platform's command line (tools/Cli, which
/// <c>./platform</c> runs once it has installed the Debian packages), but with its state in a throwaway
/// directory and every port a free loopback one, so it never meets a platform already running on this
/// machine. Disposing runs <c>down</c>.
/// </summary>
public sealed class LocalPlatform : IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromMinutes(3);

    private readonly ScratchDirectory _state = ScratchDirectory.Create("platform-local-");
    private readonly Dictionary<string, string> _environment;
    private readonly TimeSpan _commandTimeout;
    private readonly int _apiBase = FreePort.Block(9);
    /// <summary>
    /// Settings for a test that books through the gateway as one anonymous client, one night after another:
    /// it would otherwise be held to the anonymous policy's 20 requests per second, its hold quotas, the
    /// horizon and the budget of all anonymous holds (one holder fills one shard).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> UnthrottledClients = new Dictionary<string, string>
    {
        ["RateLimiting__Policies__anonymous__PermitsPerSecond"] = "100000",
        ["RateLimiting__Policies__anonymous__Burst"] = "100000",
        ["RateLimiting__AnonymousCeiling__PermitsPerSecond"] = "100000",
        ["RateLimiting__AnonymousCeiling__Burst"] = "100000",
        ["Identity__Anonymous__Limits__MaxActiveHolds"] = "1000000",
        ["Identity__Anonymous__Limits__MaxHeldNights"] = "1000000",
        ["Identity__Anonymous__Limits__HorizonDays"] = "36500",
        ["Reservations__AnonymousHeldNightsBudget"] = "100000000",
    };

    /// <summary>The servers `./platform up` starts besides our own processes: a test of the script needs each.</summary>
    public static readonly IReadOnlyList<string> Servers =
    [
        MariaDbService.Server, MariaDbService.InstallDb, RedisService.Server, PrometheusService.Server, PrometheusService.Checker,
        AlertmanagerService.Server, AlertmanagerService.Checker, ExporterServices.Node, ExporterServices.Mysqld, ExporterServices.Redis,
    ];

    private readonly int _gatewayPort = FreePort.Next();
    private readonly int _prometheusPort = FreePort.Next();
    private readonly int _traceViewerPort = FreePort.Next();
    private readonly int _traceViewerOtlpPort = FreePort.Next();

    /// <param name="settings">Extra environment for the command line and every process it starts (Section__Key form, or PLATFORM_* to override this class's own).</param>
    /// <param name="commandTimeout">Longest any command but `up` may run (3 minutes unless given).</param>
    public LocalPlatform(IReadOnlyDictionary<string, string>? settings = null, TimeSpan? commandTimeout = null)
    {
        _commandTimeout = commandTimeout ?? DefaultCommandTimeout;
        _environment = new Dictionary<string, string>
        {
            [PlatformVariables.StateDir] = _state.Path,
            [PlatformVariables.DatabasePort] = Port(FreePort.Next()),
            [PlatformVariables.RedisPort] = Port(FreePort.Next()),
            [PlatformVariables.GatewayPort] = Port(_gatewayPort),
            [PlatformVariables.GatewayTlsPort] = Port(FreePort.Next()),
            [PlatformVariables.PrometheusPort] = Port(_prometheusPort),
            [PlatformVariables.AlertmanagerPort] = Port(FreePort.Next()),
            [PlatformVariables.NodeExporterPort] = Port(FreePort.Next()),
            [PlatformVariables.MysqldExporterPort] = Port(FreePort.Next()),
            [PlatformVariables.RedisExporterPort] = Port(FreePort.Next()),
            [PlatformVariables.TraceViewerPort] = Port(_traceViewerPort),
            [PlatformVariables.TraceViewerOtlpPort] = Port(_traceViewerOtlpPort),
            [PlatformVariables.ApiBasePort] = Port(_apiBase),
            // The gateway's metrics port is the base itself; replica N's is base+N.
            [PlatformVariables.MetricsBasePort] = Port(FreePort.Block(9)),
        };
        // The caller's settings win, so a test can give the command line a bad one.
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }
    }

    /// <summary>The value this platform runs with for <paramref name="variable"/> (a <c>PLATFORM_*</c> port, say).</summary>
    public string Setting(string variable) => _environment[variable];

    /// <summary>This platform's settings as its command line reads them, for a test that drives tools/Topology itself.</summary>
    public PlatformSettings Settings() => PlatformSettings.FromEnvironment(RepositoryRoot.Path, _environment.GetValueOrDefault);

    /// <summary>The throwaway state directory (<c>PLATFORM_STATE_DIR</c>): pids, logs, reports.</summary>
    public string StateDirectory => _state.Path;

    public Uri GatewayAddress => new($"http://127.0.0.1:{_gatewayPort}/");

    public Uri PrometheusAddress => new($"http://127.0.0.1:{_prometheusPort}/");

    /// <summary>The trace viewer's UI and telemetry API.</summary>
    public Uri TraceViewerAddress => TraceViewerService.UiBase(_traceViewerPort);

    /// <summary>Where the trace viewer takes OTLP over HTTP.</summary>
    public Uri TraceViewerOtlpAddress => TraceViewerService.OtlpEndpoint(_traceViewerOtlpPort);

    /// <summary>Where replica <paramref name="number"/> serves the API.</summary>
    public Uri ReplicaAddress(int number) => new($"http://127.0.0.1:{_apiBase + number}/");

    /// <summary>The command line's assembly, built with the solution (the test projects reference it) in this library's configuration.</summary>
    public static string CliAssembly =>
        RepositoryRoot.Combine("tools", "Cli", "bin", ApiReplica.BuildConfiguration(), "net10.0", "Platform.Cli.dll");

    /// <summary>Runs the command line (<c>./platform COMMAND</c>) with these arguments and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        if (!File.Exists(CliAssembly))
        {
            throw new FileNotFoundException($"{CliAssembly} does not exist: build the solution first (dotnet build Platform.sln).", CliAssembly);
        }

        var timeout = arguments is ["up", ..] ? UpTimeout : _commandTimeout;
        await using var cli = ChildProcess.Start(Platform.Topology.Services.Binaries.Dotnet(), [CliAssembly, .. arguments], RepositoryRoot.Path, _environment);
        if (!await cli.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"./platform {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes:0} min:{Environment.NewLine}{cli.Output}");
        }

        return (cli.ExitCode, cli.Output.ToString());
    }

    /// <summary>Runs a command that must succeed.</summary>
    public async Task<string> RunOrFailAsync(params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"./platform {string.Join(' ', arguments)} exited {exitCode}:{Environment.NewLine}{output}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("down");
        }
        finally
        {
            KillLeftovers();
            _state.Delete();
        }
    }

    /// <summary>If `down` failed, nothing this platform started may outlive the test: whatever its pid files name and runs from its state directory.</summary>
    private void KillLeftovers()
    {
        var table = new ProcessTable(new StateLayout(RepositoryRoot.Path, _state.Path));
        foreach (var name in table.Names())
        {
            if (table.RecordedPid(name) is not { } pid || !ProcessTable.IsAlive(pid, _state.Path))
                continue;
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
