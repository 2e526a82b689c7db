using YamlDotNet.RepresentationModel;

namespace Platform.Topology.Files;

/// <summary>Where this run's Prometheus finds itself, its Alertmanager and the servers' exporters.</summary>
/// <param name="Prometheus">Prometheus's own <c>host:port</c>.</param>
/// <param name="Alertmanager">Alertmanager's <c>host:port</c>.</param>
/// <param name="MariaDbExporters">The MariaDB exporters' <c>host:port</c> (the <c>mariadb</c> job).</param>
/// <param name="RedisExporters">The Redis exporters' <c>host:port</c> (the <c>redis</c> job).</param>
/// <param name="Interval">Scrape, evaluation and discovery interval, when it must differ from the file's (the tests use 1 s).</param>
public sealed record PrometheusWiring(
    string Prometheus,
    string Alertmanager,
    IReadOnlyList<string> MariaDbExporters,
    IReadOnlyList<string> RedisExporters,
    TimeSpan? Interval = null);

/// <summary>
/// prometheus/prometheus.local.yml with this run's addresses: the jobs, discovery files, rule files and
/// alerting stay as the repository's file says. The replicas, the gateway and the host exporter are
/// discovered from targets files (<see cref="PrometheusTargets"/>) beside it.
/// </summary>
public static class PrometheusConfig
{
    private static readonly string[] GlobalIntervals = ["scrape_interval", "scrape_timeout", "evaluation_interval"];

    public const string RulesFileName = "alerts.yml";

    /// <summary>The targets files the file_sd jobs read, relative to the configuration.</summary>
    public const string ApiTargets = "targets/api.json";
    public const string GatewayTargets = "targets/gateway.json";
    public const string NodeTargets = "targets/node.json";

    public static string Template(string repositoryRoot) => Path.Combine(repositoryRoot, "prometheus", "prometheus.local.yml");

    public static string Rules(string repositoryRoot) => Path.Combine(repositoryRoot, "prometheus", RulesFileName);

    public static string Render(string templatePath, PrometheusWiring wiring)
    {
        var root = YamlFile.Load(templatePath);
        if (wiring.Interval is { } interval)
        {
            var global = (YamlMappingNode)root["global"];
            foreach (var key in GlobalIntervals)
            {
                YamlFile.Set(global, key, YamlFile.Duration(interval));
            }
        }

        var alertmanagers = (YamlSequenceNode)((YamlMappingNode)root["alerting"])["alertmanagers"];
        SetStaticTargets((YamlMappingNode)alertmanagers[0], [wiring.Alertmanager]);
        var staticTargets = new Dictionary<string, IReadOnlyList<string>>
        {
            ["prometheus"] = [wiring.Prometheus],
            ["alertmanager"] = [wiring.Alertmanager],
            ["mariadb"] = wiring.MariaDbExporters,
            ["redis"] = wiring.RedisExporters,
        };
        foreach (var job in ((YamlSequenceNode)root["scrape_configs"]).Cast<YamlMappingNode>())
        {
            var name = ((YamlScalarNode)job["job_name"]).Value!;
            if (staticTargets.TryGetValue(name, out var targets))
            {
                SetStaticTargets(job, targets);
            }
            else if (wiring.Interval is { } refresh)
            {
                foreach (var discovery in ((YamlSequenceNode)job["file_sd_configs"]).Cast<YamlMappingNode>())
                {
                    YamlFile.Set(discovery, "refresh_interval", YamlFile.Duration(refresh));
                }
            }
        }

        return YamlFile.Save(root);
    }

    private static void SetStaticTargets(YamlMappingNode job, IReadOnlyList<string> targets)
    {
        var groups = (YamlSequenceNode)job["static_configs"];
        ((YamlMappingNode)groups[0]).Children[new YamlScalarNode("targets")] = new YamlSequenceNode(targets.Select(target => new YamlScalarNode(target)));
    }
}
