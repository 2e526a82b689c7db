using YamlDotNet.RepresentationModel;

namespace Platform.Topology.Files;

/// <summary>prometheus/alertmanager.yml, as written, or with the receivers' webhook and the routes' waits changed (the tests' Alertmanager).</summary>
public static class AlertmanagerConfig
{
    private static readonly string[] RouteWaits = ["group_wait", "group_interval"];

    public static string Template(string repositoryRoot) => Path.Combine(repositoryRoot, "prometheus", "alertmanager.yml");

    /// <param name="templatePath">The repository's alertmanager.yml.</param>
    /// <param name="webhook">Where every receiver sends, instead of the file's URL; null keeps it.</param>
    /// <param name="waits">group_wait and group_interval of every route that sets them; null keeps the file's.</param>
    public static string Render(string templatePath, Uri? webhook = null, TimeSpan? waits = null)
    {
        if (webhook is null && waits is null)
        {
            return File.ReadAllText(templatePath);
        }

        var root = YamlFile.Load(templatePath);
        if (waits is { } wait)
        {
            var routes = new List<YamlMappingNode> { (YamlMappingNode)root["route"] };
            if (routes[0].Children.TryGetValue(new YamlScalarNode("routes"), out var children))
            {
                routes.AddRange(((YamlSequenceNode)children).Cast<YamlMappingNode>());
            }

            foreach (var route in routes)
            {
                foreach (var key in RouteWaits.Where(key => route.Children.ContainsKey(new YamlScalarNode(key))))
                {
                    YamlFile.Set(route, key, YamlFile.Duration(wait));
                }
            }
        }

        if (webhook is not null)
        {
            foreach (var receiver in ((YamlSequenceNode)root["receivers"]).Cast<YamlMappingNode>())
            {
                foreach (var hook in ((YamlSequenceNode)receiver["webhook_configs"]).Cast<YamlMappingNode>())
                {
                    YamlFile.Set(hook, "url", webhook.ToString());
                }
            }
        }

        return YamlFile.Save(root);
    }
}
