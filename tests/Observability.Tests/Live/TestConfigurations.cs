using System.Globalization;
using Platform.Testing;
using YamlDotNet.RepresentationModel;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// The repository's own Prometheus and Alertmanager configuration, changed only where a test run
/// must differ: loopback ports, one-second intervals, and the webhook's address. Jobs, discovery,
/// rule files, routes and grouping stay as the files say.
/// </summary>
public static class TestConfigurations
{
    /// <summary>
    /// prometheus/prometheus.local.yml scraping and evaluating every second, with the test's ports and
    /// the servers' exporters (the MariaDB and Redis jobs' static targets).
    /// </summary>
    public static string Prometheus(int prometheusPort, int alertmanagerPort, IReadOnlyDictionary<string, IReadOnlyList<Uri>> exporters)
    {
        var root = Load(RepositoryRoot.Combine("prometheus", "prometheus.local.yml"));
        var global = (YamlMappingNode)root["global"];
        global.Children[new YamlScalarNode("scrape_interval")] = new YamlScalarNode("1s");
        global.Children[new YamlScalarNode("scrape_timeout")] = new YamlScalarNode("1s");
        global.Children[new YamlScalarNode("evaluation_interval")] = new YamlScalarNode("1s");

        var alertmanagers = (YamlSequenceNode)((YamlMappingNode)root["alerting"])["alertmanagers"];
        SetStaticTargets((YamlMappingNode)alertmanagers[0], $"127.0.0.1:{alertmanagerPort}");
        foreach (var job in ((YamlSequenceNode)root["scrape_configs"]).Cast<YamlMappingNode>())
        {
            switch (((YamlScalarNode)job["job_name"]).Value)
            {
                case "prometheus":
                    SetStaticTargets(job, $"127.0.0.1:{prometheusPort}");
                    break;
                case "alertmanager":
                    SetStaticTargets(job, $"127.0.0.1:{alertmanagerPort}");
                    break;
                case var name when exporters.TryGetValue(name!, out var addresses):
                    SetStaticTargets(job, [.. addresses.Select(address => address.Authority)]);
                    break;
                default:
                    // file_sd jobs: re-read their targets files every second.
                    foreach (var discovery in ((YamlSequenceNode)job["file_sd_configs"]).Cast<YamlMappingNode>())
                        discovery.Children[new YamlScalarNode("refresh_interval")] = new YamlScalarNode("1s");
                    break;
            }
        }

        return Save(root);
    }

    /// <summary>A file_sd targets file: one group with these addresses.</summary>
    public static string Targets(IEnumerable<Uri> metricsAddresses) =>
        "[{ \"targets\": [" + string.Join(", ", metricsAddresses.Select(address => $"\"{address.Authority}\"")) + "] }]";

    /// <summary>The host exporter's targets file as `./platform up` writes it: labelled with the data directories' mount point.</summary>
    public static string NodeTargets(Uri metricsAddress, string dataMountPoint) =>
        $"[{{ \"targets\": [\"{metricsAddress.Authority}\"], \"labels\": {{ \"data_mountpoint\": \"{dataMountPoint}\" }} }}]";

    /// <summary>
    /// prometheus/alertmanager.yml sending to <paramref name="webhook"/>, its waits shortened to a
    /// second so a notification arrives while the test watches.
    /// </summary>
    public static string Alertmanager(Uri webhook)
    {
        var root = Load(RepositoryRoot.Combine("prometheus", "alertmanager.yml"));
        var routes = new List<YamlMappingNode> { (YamlMappingNode)root["route"] };
        if (routes[0].Children.TryGetValue(new YamlScalarNode("routes"), out var children))
            routes.AddRange(((YamlSequenceNode)children).Cast<YamlMappingNode>());
        foreach (var route in routes)
        {
            foreach (var wait in new[] { "group_wait", "group_interval" })
            {
                if (route.Children.ContainsKey(new YamlScalarNode(wait)))
                    route.Children[new YamlScalarNode(wait)] = new YamlScalarNode("1s");
            }
        }

        foreach (var receiver in ((YamlSequenceNode)root["receivers"]).Cast<YamlMappingNode>())
        {
            foreach (var hook in ((YamlSequenceNode)receiver["webhook_configs"]).Cast<YamlMappingNode>())
                hook.Children[new YamlScalarNode("url")] = new YamlScalarNode(webhook.ToString());
        }

        return Save(root);
    }

    private static void SetStaticTargets(YamlMappingNode job, params string[] targets)
    {
        var groups = (YamlSequenceNode)job["static_configs"];
        ((YamlMappingNode)groups[0]).Children[new YamlScalarNode("targets")] = new YamlSequenceNode(targets.Select(target => new YamlScalarNode(target)));
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Save(YamlMappingNode root)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
