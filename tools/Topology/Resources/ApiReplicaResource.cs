using Platform.Topology.Files;
using Platform.Topology.Operations;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// The Reservations API replicas: one process per replica number, replica N serving on the API base port
/// + N and its metrics on the metrics base port + N (<see cref="ApiReplicaService"/>). They are started
/// together and then waited for together, so their start-ups (schema, seeding) overlap.
/// </summary>
/// <param name="numbers">The replicas <c>up</c> (or <c>scale</c>) starts.</param>
public sealed class ApiReplicaResource(ResourceContext context, IEnumerable<int> numbers) : PlatformResource
{
    private readonly IReadOnlyList<int> _numbers = [.. numbers];

    /// <summary>The resource's name, as the compose file's service is called.</summary>
    public const string ResourceName = "api";

    public override string Name => ResourceName;

    public override ResourceKind Kind => ResourceKind.Application;

    public override IReadOnlyList<string> WaitsFor => [ProcessNames.MariaDb, ProcessNames.Redis];

    // A replica serves on through its drain delay (6 s), then lets in-flight requests finish.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(40);

    public override IReadOnlyList<ResourceInstance> Instances => [.. _numbers.Select(Instance)];

    /// <summary>Those <c>up</c> starts and any other with a pid file (one a failed scale left running).</summary>
    public override IReadOnlyList<ResourceInstance> KnownInstances =>
        [.. _numbers.Concat(context.Table.ReplicaNumbers()).Distinct().Order().Select(Instance)];

    /// <summary>Ready when <c>/health/ready</c> on its API port answers 2xx: its database and Redis answer.</summary>
    public static Readiness Probe(int port) => Readiness.Http(port, "/health/ready");

    /// <summary>The API's build (reused while a replica runs) and the identity key the gateway signs with.</summary>
    public override async Task ConfigureAsync()
    {
        await new AppBuilds(context.Layout, context.Table, context.Narrator).PublishApiAsync();
        Secrets.EnsureIdentityKey(context.Layout.IdentityKeyFile);
    }

    private ResourceInstance Instance(int number)
    {
        var ports = context.Ports;
        var name = ProcessNames.Replica(number);
        return new ResourceInstance(name, name,
            [
                new("http", ports.Api(number), PlatformVariables.ApiBasePort, PlatformPorts.Defaults.Api(number)),
                new("metrics", ports.Metrics(number), PlatformVariables.MetricsBasePort, PlatformPorts.Defaults.Metrics(number)),
            ],
            Probe(ports.Api(number)),
            () => ApiReplicaService.Start(
                context.Layout.ApiApp, name, ports.Api(number), ports.Metrics(number),
                // Every node of a cluster, with MySqlConnector's failover; one server: its address alone.
                new GaleraTopology(context.Settings.DatabaseNodes, ports.Database).ConnectionString(MariaDbService.AppUser, context.DatabasePassword()),
                RedisService.Configuration(ports.Redis, RedisUsers.Relay, RedisService.Passwords(context.Layout)[RedisUsers.Relay]), context.Layout.IdentityKeyFile)
                .WithEnvironment(context.TraceExporter()));
    }
}
