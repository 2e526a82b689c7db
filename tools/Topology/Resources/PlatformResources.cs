namespace Platform.Topology.Resources;

/// <summary>
/// Every server of the platform, in dependency order: <c>up</c> starts them in this order, each once what
/// it waits for is ready; <c>down</c> stops them in the reverse order; <c>status</c> shows them (grouped by
/// <see cref="ResourceKind"/>); <c>scale</c> finds the replicas here. A new server is a new resource and one
/// line in this list.
/// </summary>
public static class PlatformResources
{
    /// <exception cref="InvalidOperationException">A resource is listed before one it waits for.</exception>
    public static IReadOnlyList<PlatformResource> All(ResourceContext context) => InDependencyOrder(
    [
        context.Settings.DatabaseCluster ? new GaleraClusterResource(context) : new MariaDbResource(context),
        new RedisResource(context),
        // Before the replicas, so that their start-up is traced; nothing waits for it.
        new TraceViewerResource(context),
        new ApiReplicaResource(context, Enumerable.Range(1, context.Settings.Replicas)),
        // Last of the request path, so that the gateway never answers clients before a replica can.
        new GatewayResource(context),
        new NodeExporterResource(context),
        new MysqldExporterResource(context),
        new RedisExporterResource(context),
        new AlertmanagerResource(context),
        new PrometheusResource(context),
    ]);

    // Starting in list order is what makes WaitsFor hold, so a list out of order is refused outright.
    private static IReadOnlyList<PlatformResource> InDependencyOrder(IReadOnlyList<PlatformResource> resources)
    {
        for (var i = 0; i < resources.Count; i++)
        {
            var earlier = resources.Take(i).Select(resource => resource.Name).ToHashSet(StringComparer.Ordinal);
            if (resources[i].WaitsFor.FirstOrDefault(name => !earlier.Contains(name)) is { } missing)
            {
                throw new InvalidOperationException($"{resources[i].Name} waits for {missing}, which is not listed before it");
            }
        }

        return resources;
    }
}
