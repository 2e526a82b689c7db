namespace Platform.Topology.Resources;

/// <summary>
/// A port a resource listens on (always 127.0.0.1), and where it comes from: the <c>PLATFORM_*</c> variable
/// that moves it (<see cref="PlatformVariables"/>) and the port it has without one (<see cref="PlatformPorts.Defaults"/>).
/// </summary>
/// <param name="Name">What the port serves, as messages name a second one: <c>metrics</c>.</param>
/// <param name="Port">The port this run uses: a running server's own, else the setting's.</param>
public sealed record ResourceEndpoint(string Name, int Port, string Variable, int Default);
