using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>
/// How a Reservations API replica is started: <c>dotnet Platform.Api.dll</c> from a build directory,
/// configured through environment variables exactly as the compose file configures it.
/// </summary>
public static class ApiReplicaService
{
    public const string Assembly = "Platform.Api.dll";

    /// <param name="appDirectory">Where Platform.Api.dll is (a publish or build output).</param>
    /// <param name="id">The replica id (<c>Replica__Id</c>), echoed in <c>X-Replica</c>.</param>
    /// <param name="port">The API's port.</param>
    /// <param name="metricsPort">The management port (/metrics, /health/*).</param>
    /// <param name="databaseConnectionString">The platform user's connection string.</param>
    /// <param name="redisConfiguration">StackExchange.Redis's configuration string.</param>
    /// <param name="signingKeyFile">The identity signing key the gateway signs with.</param>
    public static ServiceCommand Start(
        string appDirectory, string id, int port, int metricsPort, string databaseConnectionString, string redisConfiguration, string signingKeyFile) => new(
        Binaries.Dotnet(),
        [Path.Combine(appDirectory, Assembly)],
        new Dictionary<string, string>(HostDefaults.Production())
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Replica__Id"] = id,
            ["Metrics__Host"] = "127.0.0.1",
            ["Metrics__Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Database__ConnectionString"] = databaseConnectionString,
            ["Redis__Configuration"] = redisConfiguration,
            ["Identity__SigningKeyFile"] = signingKeyFile,
        },
        appDirectory);
}
