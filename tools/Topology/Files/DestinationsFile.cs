using Platform.Topology.Services;

namespace Platform.Topology.Files;

/// <summary>
/// The gateway's destinations file (<c>Proxy__DestinationsFile</c>): the replicas it routes to, named by
/// their replica ids (as X-Replica and the metrics' destination label show them). The gateway reloads it
/// when it changes.
/// </summary>
public static class DestinationsFile
{
    public static string Json(IReadOnlyDictionary<string, Uri> destinations) => JsonFiles.Serialize(new Dictionary<string, object>
    {
        ["ReverseProxy"] = new Dictionary<string, object>
        {
            ["Clusters"] = new Dictionary<string, object>
            {
                [GatewayService.Cluster] = new Dictionary<string, object>
                {
                    ["Destinations"] = destinations.ToDictionary(d => d.Key, d => new Dictionary<string, string> { ["Address"] = d.Value.ToString() }),
                },
            },
        },
    });

    public static void Write(string path, IReadOnlyDictionary<string, Uri> destinations) => AtomicFile.Write(path, Json(destinations));
}
