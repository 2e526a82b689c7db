using Platform.Topology.Resources;

namespace Platform.Topology.Operations;

/// <summary>One process as <c>./platform status</c> shows it.</summary>
public sealed record StatusRow(string Name, int? Pid, int Port, string Health)
{
    public bool Running => Pid is not null;
}

/// <summary>Each of the platform's processes: its pid, port, whether it runs and what its readiness probe answers.</summary>
public static class PlatformStatus
{
    public static async Task<IReadOnlyList<StatusRow>> ReadAsync(PlatformSettings settings)
    {
        var context = new ResourceContext(settings, Narrator.Silent);
        var table = context.Table;
        var instances = PlatformResources.All(context).OrderBy(resource => resource.Kind)
            .SelectMany(resource => resource.KnownInstances.Select(instance => (Resource: resource, Instance: instance)));
        return await Task.WhenAll(instances.Select(async pair => table.RunningPid(pair.Instance.Name) is { } pid
            ? new StatusRow(pair.Instance.Name, pid, table.RecordedPort(pair.Instance.Name, pair.Instance.Port),
                await pair.Instance.Readiness.AskAsync() + (await pair.Resource.StatusDetailAsync() is { } detail ? "; " + detail : ""))
            : new StatusRow(pair.Instance.Name, null, pair.Instance.Port, "-")));
    }
}
