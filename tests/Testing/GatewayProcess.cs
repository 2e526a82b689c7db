using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Platform.Topology;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// One real gateway process (<c>dotnet Platform.Gateway.dll</c> from gateway/bin) on a free loopback
/// port, its management listener on another, started as <c>./platform up</c> starts it
/// (<see cref="GatewayService"/>). Destinations are given as environment settings or through a
/// destinations file (<see cref="Platform.Topology.Files.DestinationsFile"/>).
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private GatewayProcess(Uri baseAddress, Uri? metricsAddress, ChildProcess process, Uri? tlsAddress)
    {
        BaseAddress = baseAddress;
        MetricsAddress = metricsAddress;
        TlsAddress = tlsAddress;
        _process = process;
    }

    /// <summary>
    /// What every test gateway runs with unless a test says otherwise: rate limits far above any
    /// test's traffic (the real defaults would throttle a test at 20 requests per second), and
    /// health checks fast enough that a dead or revived replica is noticed in about a second.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TestDefaults { get; } = new Dictionary<string, string>
    {
        ["RateLimiting__Policies__anonymous__PermitsPerSecond"] = "100000",
        ["RateLimiting__Policies__anonymous__Burst"] = "100000",
        ["RateLimiting__AnonymousCeiling__PermitsPerSecond"] = "100000",
        ["RateLimiting__AnonymousCeiling__Burst"] = "100000",
        [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Interval"] = "00:00:01",
        [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Timeout"] = "00:00:01",
        // Past the failure window plus YARP's one-second record granularity: reactivated any sooner,
        // a revived replica's first request still sees the old failures and is taken out again.
        [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Passive__ReactivationPeriod"] = "00:00:04.500",
        ["Proxy__TransportFailureRate__DetectionWindowSize"] = "00:00:03",
        // Every test's anonymous requests come from 127.0.0.1, one holder for the whole run: its hold
        // quotas are raised here as its rates are above (tests of the limits set their own), and the
        // horizon covers the far stays tests book to stay clear of each other.
        ["Identity__Anonymous__Limits__MaxActiveHolds"] = "1000000",
        ["Identity__Anonymous__Limits__MaxHeldNights"] = "1000000",
        ["Identity__Anonymous__Limits__MaxNightsPerReservation"] = "30",
        ["Identity__Anonymous__Limits__HorizonDays"] = "36500",
        ["Identity__Anonymous__Limits__MayConfirm"] = "true",
    };

    /// <summary>http://127.0.0.1:port/ of the proxy.</summary>
    public Uri BaseAddress { get; }

    /// <summary>https://127.0.0.1:port/ of the TLS port; null when started without certificates.</summary>
    public Uri? TlsAddress { get; }

    /// <summary>http://127.0.0.1:port/ of the management listener (/metrics, /health/*); null when metrics are off.</summary>
    public Uri? MetricsAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last ~200 lines the process wrote to stdout and stderr, for failure messages.</summary>
    public OutputTail Output => _process.Output;

    /// <summary>The replicas as destinations, named by their replica ids (so <c>X-Replica</c> and the destination label agree).</summary>
    public static IReadOnlyDictionary<string, Uri> DestinationsOf(IEnumerable<ApiReplica> replicas) =>
        replicas.ToDictionary(replica => replica.Id, replica => replica.BaseAddress);

    /// <summary>Starts a gateway in front of <paramref name="replicas"/>.</summary>
    public static Task<GatewayProcess> StartAsync(IEnumerable<ApiReplica> replicas, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(DestinationsOf(replicas), settings);

    /// <summary>
    /// Starts a gateway and waits until it accepts connections and, when metrics are on, answers <c>/health/live</c>.
    /// It does not wait for any destination to be healthy: tests of outages start gateways with none.
    /// </summary>
    /// <param name="destinations">Destination id → address, given as environment settings; may be empty when a destinations file is used.</param>
    /// <param name="settings">More configuration in environment form; wins over production's, <see cref="TestDefaults"/> and the destinations.</param>
    /// <param name="buildConfiguration">Debug or Release; by default the configuration this library was built in.</param>
    /// <param name="certificates">With these, the gateway also serves HTTPS on a port of its own, as <c>up</c> runs it (<see cref="TlsAddress"/>).</param>
    public static async Task<GatewayProcess> StartAsync(
        IReadOnlyDictionary<string, Uri> destinations,
        IReadOnlyDictionary<string, string>? settings = null,
        string? buildConfiguration = null,
        Platform.Topology.Files.LocalCertificateFiles? certificates = null)
    {
        var binDirectory = BinDirectory(buildConfiguration);
        var gatewayDll = Path.Combine(binDirectory, GatewayService.Assembly);
        if (!File.Exists(gatewayDll))
        {
            throw new FileNotFoundException($"{gatewayDll} does not exist: build the solution first (dotnet build Platform.sln).", gatewayDll);
        }

        var port = FreePort.Next();
        var metricsPort = FreePort.Next();
        var tlsPort = certificates is null ? (int?)null : FreePort.Next();
        var command = GatewayService
            .Start(binDirectory, port, metricsPort, TestIdentity.KeyFile, destinationsFile: null, clientsFile: null)
            .WithEnvironment(TestDefaults)
            .WithEnvironment(certificates is null ? null : GatewayService.Tls(binDirectory, tlsPort!.Value, certificates))
            .WithEnvironment(destinations.ToDictionary(destination => GatewayService.DestinationSetting(destination.Key), destination => destination.Value.ToString()))
            .WithEnvironment(settings);
        var environment = command.Environment!;
        var metricsOn = environment.GetValueOrDefault("Metrics__Enabled", "true").Equals("true", StringComparison.OrdinalIgnoreCase)
            && environment["Metrics__Port"] != "0";
        var process = ChildProcess.Start(command);
        var gateway = new GatewayProcess(
            new Uri($"http://127.0.0.1:{port}/"),
            metricsOn ? new Uri($"http://127.0.0.1:{environment["Metrics__Port"]}/") : null,
            process,
            tlsPort is { } tls ? new Uri($"https://127.0.0.1:{tls}/") : null);
        try
        {
            await gateway.WaitUntilListeningAsync(port);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>gateway/bin/&lt;configuration&gt;/net10.0 in the repository.</summary>
    public static string BinDirectory(string? buildConfiguration = null) =>
        RepositoryRoot.Combine("gateway", "bin", buildConfiguration ?? ApiReplica.BuildConfiguration(), "net10.0");

    /// <summary>An HttpClient whose BaseAddress is the gateway; the caller disposes it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The text of <c>/metrics</c> on the management port.</summary>
    public async Task<string> ReadMetricsAsync(CancellationToken cancellationToken = default)
    {
        var metrics = MetricsAddress ?? throw new InvalidOperationException("This gateway runs with metrics off.");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await client.GetStringAsync(new Uri(metrics, "/metrics"), cancellationToken);
    }

    /// <summary>Kills the process (SIGKILL), as a crash would.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Graceful stop: SIGTERM, then wait for the host to drain and exit.</summary>
    public Task StopAsync() => _process.StopAsync(StopTimeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public override string ToString() => $"gateway at {BaseAddress} (pid {ProcessId})";

    private async Task WaitUntilListeningAsync(int port)
    {
        var stopwatch = Stopwatch.StartNew();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var lastAnswer = "no answer yet";
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {_process.ExitCode} while starting:{Environment.NewLine}{Output}");
            }

            try
            {
                // A bare connection, not a request: a request would count against the rate limits.
                using (var probe = new TcpClient())
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                }

                if (MetricsAddress is null)
                {
                    return;
                }

                using var response = await client.GetAsync(new Uri(MetricsAddress, "/health/live"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastAnswer = $"/health/live answered {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is SocketException or HttpRequestException or TaskCanceledException)
            {
                lastAnswer = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The gateway did not listen on {BaseAddress} within {StartTimeout.TotalSeconds:0} s (last: {lastAnswer}):{Environment.NewLine}{Output}");
    }
}
