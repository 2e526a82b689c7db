using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>Redis: one server with an append-only file in the state directory (<see cref="RedisService"/>).</summary>
public sealed class RedisResource(ResourceContext context) : PlatformResource
{
    public override string Name => ProcessNames.Redis;

    public override ResourceKind Kind => ResourceKind.Data;

    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(30);

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(ProcessNames.Redis, "Redis",
            [new("tcp", context.Ports.Redis, PlatformVariables.RedisPort, PlatformPorts.Defaults.Redis)],
            Probe(context.Ports.Redis, RedisService.Passwords(context.Layout)[RedisUsers.Operator]),
            () => RedisService.Start(context.Ports.Redis, context.Layout.RedisData, context.Layout.Log(ProcessNames.Redis))),
    ];

    /// <summary>Ready when it answers the operator's PING with PONG; while it reads its append-only file back it answers LOADING.</summary>
    public static Readiness Probe(int port, string operatorPassword) => new(
        FormattableString.Invariant($"answering PONG on port {port}"),
        () => RedisService.PingAsync(port, RedisUsers.Operator, operatorPassword),
        answer => answer == "PONG");

    public override Task PrepareAsync()
    {
        PrivateDirectory.Create(context.Layout.RedisData);
        // Written at every start from the stored passwords: the same file unless a password file was deleted.
        RedisService.WriteAcl(context.Layout.RedisData, RedisService.Passwords(context.Layout));
        return Task.CompletedTask;
    }
}
