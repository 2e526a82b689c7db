namespace Platform.Topology.Resources;

/// <summary>
/// A port a resource listens on (127.0.0.1, but for a database cluster's node N, 127.0.0.N), and where it
/// comes from: the <c>PLATFORM_*</c> variable that moves it (<see cref="PlatformVariables"/>) and the port it
/// has without one (<see cref="PlatformPorts.Defaults"/>).
/// </summary>
/// <param name="Name">What the port serves, as messages name a second one: <c>metrics</c>.</param>
/// <param name="Port">The port this run uses: a running server's own, else the setting's.</param>
/// <param name="Address">The loopback address it listens on.</param>
public sealed record ResourceEndpoint(string Name, int Port, string Variable, int Default, string Address = "127.0.0.1");
