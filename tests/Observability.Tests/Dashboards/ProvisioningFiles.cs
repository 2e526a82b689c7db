using YamlDotNet.Serialization;

namespace Platform.Observability.Tests.Dashboards;

/// <summary>Grafana's provisioning YAML and the alert rules the dashboards answer to, read as plain maps and lists.</summary>
internal static class ProvisioningFiles
{
    public static string DatasourcesPath => Platform.Topology.RepositoryRoot.Combine("grafana", "provisioning", "datasources", "prometheus.yml");

    public static string DashboardProvidersPath => Platform.Topology.RepositoryRoot.Combine("grafana", "provisioning", "dashboards", "dashboards.yml");

    public static string AlertsPath => Platform.Topology.RepositoryRoot.Combine("prometheus", "alerts.yml");

    /// <summary>The YAML file as nested dictionaries (string keys), lists and scalars (strings).</summary>
    public static IReadOnlyDictionary<string, object?> Read(string path)
    {
        using var reader = new StreamReader(path);
        var document = new DeserializerBuilder().Build().Deserialize<object?>(reader);
        return Map(document) ?? throw new InvalidDataException($"{path} is not a YAML mapping");
    }

    public static IReadOnlyDictionary<string, object?>? Map(object? node) =>
        node is IDictionary<object, object?> map
            ? map.ToDictionary(pair => Convert.ToString(pair.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", pair => pair.Value, StringComparer.Ordinal)
            : null;

    public static IEnumerable<IReadOnlyDictionary<string, object?>> Maps(object? node) =>
        (node as IEnumerable<object?> ?? []).Select(Map).OfType<IReadOnlyDictionary<string, object?>>();

    public static string? Text(IReadOnlyDictionary<string, object?>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value as string : null;

    /// <summary>The uids of the provisioned data sources.</summary>
    public static IReadOnlySet<string> DatasourceUids() =>
        Maps(Read(DatasourcesPath).GetValueOrDefault("datasources"))
            .Select(datasource => Text(datasource, "uid"))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Every alert's <c>dashboard</c> annotation, split into dashboard title and panel title.</summary>
    public static IReadOnlyList<(string Alert, string Dashboard, string Panel)> AlertPanels()
    {
        var panels = new List<(string Alert, string Dashboard, string Panel)>();
        foreach (var group in Maps(Read(AlertsPath).GetValueOrDefault("groups")))
        {
            foreach (var rule in Maps(group.GetValueOrDefault("rules")))
            {
                var alert = Text(rule, "alert");
                var reference = Text(Map(rule.GetValueOrDefault("annotations")), "dashboard");
                if (alert is null || reference is null)
                {
                    continue;
                }

                // Dashboard titles hold no " / "; panel titles may ("Latency p50 / p95 / p99").
                var separator = reference.IndexOf(" / ", StringComparison.Ordinal);
                panels.Add(separator < 0
                    ? (alert, reference, "")
                    : (alert, reference[..separator], reference[(separator + 3)..]));
            }
        }

        return panels;
    }
}
