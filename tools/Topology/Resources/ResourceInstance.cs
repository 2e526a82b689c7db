using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// One process of a resource: most resources have one, the API replicas one per replica. Its name is the
/// one its pid file, port file and log go by (<see cref="ProcessNames"/>); its first endpoint is the port
/// recorded beside the pid.
/// </summary>
/// <param name="Title">How messages name it: <c>MariaDB</c>, <c>the gateway</c>, <c>api-2</c>.</param>
/// <param name="Command">
/// Its start command, built only when it is started: building it finds the server's program, which
/// <c>status</c> and <c>down</c> must not need.
/// </param>
public sealed record ResourceInstance(
    string Name, string Title, IReadOnlyList<ResourceEndpoint> Endpoints, Readiness Readiness, Func<ServiceCommand> Command)
{
    /// <summary>The port recorded in its port file and shown by <c>status</c>.</summary>
    public int Port => Endpoints[0].Port;
}
