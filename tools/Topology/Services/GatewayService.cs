using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>
/// How the gateway is started: <c>dotnet Platform.Gateway.dll</c> from a build directory, its proxy on
/// one port and its management listener on another, configured through environment variables.
/// </summary>
public static class GatewayService
{
    public const string Assembly = "Platform.Gateway.dll";

    /// <summary>The cluster every destination belongs to, as in gateway/appsettings.json.</summary>
    public const string Cluster = "replicas";

    /// <param name="appDirectory">Where Platform.Gateway.dll is.</param>
    /// <param name="port">Where clients call.</param>
    /// <param name="metricsPort">The management port (/metrics, /health/*).</param>
    /// <param name="signingKeyFile">The key it signs X-Client-Identity with.</param>
    /// <param name="destinationsFile">The replicas it routes to, reloaded on change; null when given as settings.</param>
    /// <param name="clientsFile">Its API clients, reloaded on change; null for none.</param>
    public static ServiceCommand Start(
        string appDirectory, int port, int metricsPort, string signingKeyFile, string? destinationsFile, string? clientsFile)
    {
        var environment = new Dictionary<string, string>(HostDefaults.Production())
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Metrics__Host"] = "127.0.0.1",
            ["Metrics__Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Identity__SigningKeyFile"] = signingKeyFile,
        };
        if (destinationsFile is not null)
        {
            environment["Proxy__DestinationsFile"] = destinationsFile;
        }

        if (clientsFile is not null)
        {
            environment["Identity__ClientsFile"] = clientsFile;
        }

        return new ServiceCommand(Binaries.Dotnet(), [Path.Combine(appDirectory, Assembly)], environment, appDirectory);
    }

    /// <summary>
    /// What turns on the gateway's TLS port, as <c>up</c> runs it: HTTPS on 127.0.0.1:<paramref name="port"/>
    /// from the server certificate of <paramref name="certificates"/>, with OpenSSL given the gateway's own
    /// cipher configuration (gateway/Tls/CipherSuites.cs says why it is a file).
    /// </summary>
    /// <param name="appDirectory">Where Platform.Gateway.dll is (its Tls/openssl.cnf beside it).</param>
    public static IReadOnlyDictionary<string, string> Tls(string appDirectory, int port, Files.LocalCertificateFiles certificates) =>
        new Dictionary<string, string>
        {
            ["Tls__Enabled"] = "true",
            ["Tls__Host"] = "127.0.0.1",
            ["Tls__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Tls__CertificateFile"] = certificates.ServerCertificate,
            ["Tls__KeyFile"] = certificates.ServerKey,
            ["OPENSSL_CONF"] = Path.Combine(appDirectory, "Tls", "openssl.cnf"),
        };

    /// <summary>The environment key that sets a destination's address.</summary>
    public static string DestinationSetting(string id) => $"ReverseProxy__Clusters__{Cluster}__Destinations__{id}__Address";
}
