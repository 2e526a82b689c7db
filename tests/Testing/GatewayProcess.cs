using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>
/// One real gateway process (<c>dotnet Platform.Gateway.dll</c> from gateway/bin) on a free loopback
/// port, its management listener on another, configured through environment variables exactly as
/// in production. Destinations are given as environment settings or through a destinations file.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    /// <summary>The cluster every destination belongs to, as in gateway/appsettings.json.</summary>
    public const string Cluster = "replicas";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private GatewayProcess(Uri baseAddress, Uri? metricsAddress, ChildProcess process)
    {
        BaseAddress = baseAddress;
        MetricsAddress = metricsAddress;
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
        [$"ReverseProxy__Clusters__{Cluster}__HealthCheck__Active__Interval"] = "00:00:01",
        [$"ReverseProxy__Clusters__{Cluster}__HealthCheck__Active__Timeout"] = "00:00:01",
        // Past the failure window plus YARP's one-second record granularity: reactivated any sooner,
        // a revived replica's first request still sees the old failures and is taken out again.
        [$"ReverseProxy__Clusters__{Cluster}__HealthCheck__Passive__ReactivationPeriod"] = "00:00:04.500",
        ["Proxy__TransportFailureRate__DetectionWindowSize"] = "00:00:03",
    };

    /// <summary>http://127.0.0.1:port/ of the proxy.</summary>
    public Uri BaseAddress { get; }

    /// <summary>http://127.0.0.1:port/ of the management listener (/metrics, /health/*); null when metrics are off.</summary>
    public Uri? MetricsAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last ~200 lines the process wrote to stdout and stderr, for failure messages.</summary>
    public OutputTail Output => _process.Output;

    /// <summary>The environment key that sets a destination's address.</summary>
    public static string DestinationSetting(string id) => $"ReverseProxy__Clusters__{Cluster}__Destinations__{id}__Address";

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
    /// <param name="settings">More configuration in environment form; wins over <see cref="TestDefaults"/> and the destinations.</param>
    /// <param name="buildConfiguration">Debug or Release; by default the configuration this library was built in.</param>
    public static async Task<GatewayProcess> StartAsync(
        IReadOnlyDictionary<string, Uri> destinations,
        IReadOnlyDictionary<string, string>? settings = null,
        string? buildConfiguration = null)
    {
        var binDirectory = BinDirectory(buildConfiguration);
        var gatewayDll = Path.Combine(binDirectory, "Platform.Gateway.dll");
        if (!File.Exists(gatewayDll))
        {
            throw new FileNotFoundException($"{gatewayDll} does not exist: build the solution first (dotnet build Platform.sln).", gatewayDll);
        }

        var port = FreePort.Next();
        var metricsPort = FreePort.Next();
        var environment = new Dictionary<string, string>(TestDefaults)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Metrics__Host"] = "127.0.0.1",
            ["Metrics__Port"] = $"{metricsPort}",
            [TestIdentity.KeyFileSetting] = TestIdentity.KeyFile,
        };
        foreach (var (id, address) in destinations)
        {
            environment[DestinationSetting(id)] = address.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var metricsOn = environment.GetValueOrDefault("Metrics__Enabled", "true").Equals("true", StringComparison.OrdinalIgnoreCase)
            && environment["Metrics__Port"] != "0";
        var process = ChildProcess.Start(ApiReplica.DotnetHost(), [gatewayDll], binDirectory, environment);
        var gateway = new GatewayProcess(
            new Uri($"http://127.0.0.1:{port}/"),
            metricsOn ? new Uri($"http://127.0.0.1:{environment["Metrics__Port"]}/") : null,
            process);
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

    /// <summary>
    /// Writes a destinations file (<c>Proxy__DestinationsFile</c>) the way a deployment script
    /// should: to a temporary file first, then renamed over the old one, so the gateway never reads half of it.
    /// </summary>
    public static void WriteDestinationsFile(string path, IReadOnlyDictionary<string, Uri> destinations)
    {
        var entries = new JsonObject();
        foreach (var (id, address) in destinations)
        {
            entries[id] = new JsonObject { ["Address"] = address.ToString() };
        }

        var document = new JsonObject
        {
            ["ReverseProxy"] = new JsonObject
            {
                ["Clusters"] = new JsonObject { [Cluster] = new JsonObject { ["Destinations"] = entries } },
            },
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, document.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

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
