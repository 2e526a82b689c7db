using System.Reflection;
using Platform.Topology;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// One real Reservations API process (Kestrel, <c>dotnet Platform.Api.dll</c> from api/bin) on free
/// loopback ports, started as <c>./platform up</c> starts one (<see cref="ApiReplicaService"/>).
/// </summary>
public sealed class ApiReplica : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ServiceCommand _command;
    private readonly OutputTail _output = new();
    private ChildProcess _process;

    private ApiReplica(string id, Uri baseAddress, Uri metricsAddress, ServiceCommand command)
    {
        Id = id;
        BaseAddress = baseAddress;
        MetricsAddress = metricsAddress;
        _command = command;
        _process = Launch();
    }

    /// <summary>The replica id (<c>Replica__Id</c>), echoed by the API in <c>X-Replica</c>.</summary>
    public string Id { get; }

    /// <summary>http://127.0.0.1:port/ of the API.</summary>
    public Uri BaseAddress { get; }

    /// <summary>http://127.0.0.1:port/ of the management port; metrics are at <c>/metrics</c>.</summary>
    public Uri MetricsAddress { get; }

    /// <summary>The text of <c>/metrics</c> on the management port (read it with <see cref="PrometheusText"/>).</summary>
    public async Task<string> ReadMetricsAsync(CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient();
        return await client.GetStringAsync(new Uri(MetricsAddress, "/metrics"), cancellationToken);
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last ~200 lines the process wrote to stdout and stderr (across restarts), for failure messages.</summary>
    public OutputTail Output => _output;

    /// <summary>
    /// Starts a replica and waits until <c>GET /health/ready</c> answers 200.
    /// </summary>
    /// <param name="id">Replica id, e.g. <c>api-1</c>.</param>
    /// <param name="databaseConnectionString">Given as <c>Database__ConnectionString</c>.</param>
    /// <param name="redisConfiguration">Given as <c>Redis__Configuration</c>.</param>
    /// <param name="settings">More configuration in environment form, e.g. <c>Database__MaximumPoolSize=2</c>; wins over production's.</param>
    /// <param name="buildConfiguration">Debug or Release; by default the configuration this library was built in, which is the test project's.</param>
    public static async Task<ApiReplica> StartAsync(
        string id,
        string databaseConnectionString,
        string redisConfiguration,
        IReadOnlyDictionary<string, string>? settings = null,
        string? buildConfiguration = null)
    {
        var binDirectory = BinDirectory(buildConfiguration);
        var apiDll = Path.Combine(binDirectory, ApiReplicaService.Assembly);
        if (!File.Exists(apiDll))
        {
            throw new FileNotFoundException($"{apiDll} does not exist: build the solution first (dotnet build Platform.sln).", apiDll);
        }

        var port = FreePort.Next();
        var metricsPort = FreePort.Next();
        var command = ApiReplicaService
            .Start(binDirectory, id, port, metricsPort, databaseConnectionString, redisConfiguration, TestIdentity.KeyFile)
            .WithEnvironment(TestDefaults)
            .WithEnvironment(settings);
        var replica = new ApiReplica(id, new Uri($"http://127.0.0.1:{port}/"), new Uri($"http://127.0.0.1:{metricsPort}/"), command);
        try
        {
            await replica.WaitUntilReadyAsync();
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Settings every test replica starts with unless the test says otherwise. Every test's anonymous
    /// creates count under one or a few holders, so against the budget of all anonymous holds they
    /// would fill one shard in a few hundred creates: the budget is raised here (the tests of the
    /// budget set their own), as the gateway's test defaults raise the anonymous quotas.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TestDefaults { get; } = new Dictionary<string, string>
    {
        ["Reservations__AnonymousHeldNightsBudget"] = "100000000",
    };

    /// <summary>api/bin/&lt;configuration&gt;/net10.0 in the repository.</summary>
    public static string BinDirectory(string? buildConfiguration = null) =>
        RepositoryRoot.Combine("api", "bin", buildConfiguration ?? BuildConfiguration(), "net10.0");

    /// <summary>
    /// An HttpClient whose BaseAddress is this replica and whose requests carry the identity the
    /// gateway would assert for <paramref name="client"/> with <paramref name="scopes"/>; the caller disposes it.
    /// </summary>
    public HttpClient CreateClient(string client = TestIdentity.DefaultClient, string scopes = TestIdentity.DefaultScopes) =>
        new(TestIdentity.Signer(client, scopes)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// An HttpClient signed as <paramref name="client"/> whose holds count against <paramref name="holder"/>
    /// under <paramref name="limits"/> (<see cref="TestIdentity.Limits"/>), as the gateway would sign it.
    /// </summary>
    public HttpClient CreateClient(string client, string scopes, string holder, string limits) =>
        new(TestIdentity.Signer(client, scopes, holder, limits)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>An HttpClient that sends no identity, as a process on the machine calling the replica directly would.</summary>
    public HttpClient CreateUnsignedClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Kills the process (SIGKILL, with anything it started), as a crash would.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Graceful stop: SIGTERM, then wait for the host to shut down.</summary>
    public Task StopAsync() => _process.StopAsync(StopTimeout);

    /// <summary>
    /// Starts a replica that was killed or stopped again, as a supervisor would: same id, ports and
    /// settings. Returns when it answers <c>/health/ready</c>.
    /// </summary>
    public async Task StartAgainAsync()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"{this} is running; kill or stop it first.");
        }

        await _process.DisposeAsync();
        _process = Launch();
        await WaitUntilReadyAsync();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public override string ToString() => $"replica {Id} at {BaseAddress} (pid {ProcessId})";

    private Task WaitUntilReadyAsync() =>
        ReadinessProbe.WaitAsync(_process, ApiReplicaResource.Probe(BaseAddress.Port), StartTimeout, $"Replica {Id}");

    private ChildProcess Launch() => ChildProcess.Start(_command, _output);

    // The test project references api/ and is built in the same configuration as this library.
    internal static string BuildConfiguration() =>
        typeof(ApiReplica).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
