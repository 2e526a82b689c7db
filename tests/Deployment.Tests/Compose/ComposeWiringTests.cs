using Platform.Testing;
using Platform.Topology;
using YamlDotNet.Serialization;

namespace Platform.Deployment.Tests.Compose;

/// <summary>The files the services receive as configs, and how the services find each other by name.</summary>
public sealed class ComposeWiringTests
{
    private readonly ComposeFile _compose = ComposeFile.Load();

    [Fact]
    public void Every_config_file_exists_in_the_repository()
    {
        var configs = _compose.Section("configs");
        Assert.NotEmpty(configs);
        foreach (var (name, config) in configs)
        {
            var file = ComposeFile.Text(config, "file");
            Assert.True(file is { Length: > 0 }, $"config {name} must come from a file in the repository");
            Assert.False(Path.IsPathRooted(file), $"config {name}: '{file}' must be relative to the repository");
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(RepositoryRoot.Path, file))), $"config {name}: {file} does not exist");
        }

        foreach (var (service, source, _) in Mounts())
        {
            Assert.True(configs.ContainsKey(source), $"{service} uses config '{source}', which is not declared under configs:");
        }
    }

    [Fact]
    public void Mariadb_gets_the_repository_settings_and_listens_beyond_loopback()
    {
        var mount = Assert.Single(Mounts(), mount => mount.Service == "mariadb" && mount.Target.StartsWith("/etc/mysql/", StringComparison.Ordinal));
        Assert.Equal("./api/Database/mariadb.cnf", ComposeFile.Text(_compose.Section("configs")[mount.Source], "file"));
        Assert.StartsWith("/etc/mysql/conf.d/", mount.Target, StringComparison.Ordinal);
        Assert.EndsWith(".cnf", mount.Target, StringComparison.Ordinal);

        // mariadb.cnf binds to 127.0.0.1 for the host-run servers; in a container that would shut the replicas out.
        var command = ComposeFile.Strings(_compose.Service("mariadb").GetValueOrDefault("command"));
        Assert.True(command.Any(argument => argument is "--bind-address=0.0.0.0" or "--bind-address=*" or "--bind-address=::"),
            $"mariadb must override mariadb.cnf's bind-address on its command line; command: {string.Join(' ', command)}");
    }

    [Fact]
    public void Prometheus_finds_the_api_and_the_gateway_by_dns_on_their_management_port()
    {
        var prometheus = Yaml(RepositoryRoot.Combine("prometheus", "prometheus.yml"));
        var jobs = ComposeFile.Maps(prometheus.GetValueOrDefault("scrape_configs"))
            .ToDictionary(job => ComposeFile.Text(job, "job_name") ?? "", StringComparer.Ordinal);

        foreach (var service in new[] { "api", "gateway" })
        {
            Assert.True(jobs.TryGetValue(service, out var job), $"prometheus/prometheus.yml has no '{service}' job");
            var discovery = Assert.Single(ComposeFile.Maps(job.GetValueOrDefault("dns_sd_configs")));
            Assert.Equal([service], ComposeFile.Strings(discovery.GetValueOrDefault("names")));
            Assert.Equal("9100", ComposeFile.Text(discovery, "port"));
            Assert.True(ComposeFile.Environment(_compose.Service(service)).GetValueOrDefault("Metrics__Port") == "9100",
                $"{service} must serve /metrics on Metrics__Port=9100, where Prometheus looks");
            Assert.Equal("+", ComposeFile.Environment(_compose.Service(service)).GetValueOrDefault("Metrics__Host"));
            Assert.True(SharesNetwork("prometheus", service), $"prometheus and {service} share no network: the DNS name would not resolve");
        }

        Assert.True(SharesNetwork("prometheus", "alertmanager"), "prometheus must reach alertmanager:9093");
    }

    [Fact]
    public void Prometheus_gets_its_configuration_and_the_rules_beside_it()
    {
        var targets = Mounts().Where(mount => mount.Service == "prometheus")
            .ToDictionary(mount => ComposeFile.Text(_compose.Section("configs")[mount.Source], "file") ?? "", mount => mount.Target, StringComparer.Ordinal);

        Assert.Equal("/etc/prometheus/prometheus.yml", targets.GetValueOrDefault("./prometheus/prometheus.yml"));
        var ruleFiles = ComposeFile.Strings(Yaml(RepositoryRoot.Combine("prometheus", "prometheus.yml")).GetValueOrDefault("rule_files"));
        Assert.All(ruleFiles, ruleFile => Assert.True(
            targets.GetValueOrDefault($"./prometheus/{ruleFile}") == $"/etc/prometheus/{ruleFile}",
            $"prometheus.yml loads {ruleFile} relative to itself: mount ./prometheus/{ruleFile} at /etc/prometheus/{ruleFile}"));
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", ComposeFile.Strings(_compose.Service("prometheus").GetValueOrDefault("command")));

        var alertmanager = Assert.Single(Mounts(), mount => mount.Service == "alertmanager");
        Assert.Equal("./prometheus/alertmanager.yml", ComposeFile.Text(_compose.Section("configs")[alertmanager.Source], "file"));
        Assert.Contains($"--config.file={alertmanager.Target}", ComposeFile.Strings(_compose.Service("alertmanager").GetValueOrDefault("command")));
    }

    [Fact]
    public void Grafana_gets_its_provisioning_and_every_dashboard_where_the_provider_reads_them()
    {
        var configs = _compose.Section("configs");
        var targets = Mounts().Where(mount => mount.Service == "grafana")
            .ToDictionary(mount => ComposeFile.Text(configs[mount.Source], "file") ?? "", mount => mount.Target, StringComparer.Ordinal);

        Assert.Equal("/etc/grafana/provisioning/datasources/prometheus.yml", targets.GetValueOrDefault("./grafana/provisioning/datasources/prometheus.yml"));
        Assert.Equal("/etc/grafana/provisioning/dashboards/dashboards.yml", targets.GetValueOrDefault("./grafana/provisioning/dashboards/dashboards.yml"));

        var providers = Yaml(RepositoryRoot.Combine("grafana", "provisioning", "dashboards", "dashboards.yml"));
        var provider = Assert.Single(ComposeFile.Maps(providers.GetValueOrDefault("providers")));
        var folder = (ComposeFile.Text(provider, "options", "path") ?? "").TrimEnd('/');
        Assert.StartsWith("/", folder, StringComparison.Ordinal);

        var dashboards = Directory.GetFiles(RepositoryRoot.Combine("grafana", "dashboards"), "*.json");
        Assert.NotEmpty(dashboards);
        foreach (var dashboard in dashboards.Select(Path.GetFileName))
        {
            Assert.True(targets.GetValueOrDefault($"./grafana/dashboards/{dashboard}") == $"{folder}/{dashboard}",
                $"grafana/dashboards/{dashboard} must be a config mounted at {folder}/{dashboard}, where the dashboard provider reads");
        }

        // The data source names http://prometheus:9090: Grafana must share a network with it.
        Assert.True(SharesNetwork("grafana", "prometheus"), "grafana and prometheus share no network: the data source url would not resolve");
        Assert.Contains(ComposeFile.Environment(_compose.Service("grafana")).Keys, key => key == "GF_SECURITY_ADMIN_PASSWORD");
    }

    [Fact]
    public void Grafana_links_exemplars_to_the_trace_viewer_where_the_host_reaches_it()
    {
        // The browser follows the link: the default is the viewer's published loopback port, not a name on a network.
        var published = ComposeFile.Ports(_compose.Service("trace-viewer")).Single().Published;
        Assert.Equal($"http://127.0.0.1:{published}", ComposeFile.Environment(_compose.Service("grafana")).GetValueOrDefault("PLATFORM_TRACE_VIEWER_URL"));
        Assert.Contains("${PLATFORM_TRACE_VIEWER_URL}/traces/detail/", File.ReadAllText(RepositoryRoot.Combine("grafana", "provisioning", "datasources", "prometheus.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_expands_the_api_service_name_into_every_replica()
    {
        var environment = ComposeFile.Environment(_compose.Service("gateway"));

        Assert.True(string.Equals(environment.GetValueOrDefault("Proxy__ResolveDnsDestinations"), "true", StringComparison.OrdinalIgnoreCase),
            "the gateway must set Proxy__ResolveDnsDestinations=true, or it proxies to one address of `api` only");
        var destinations = environment
            .Where(pair => pair.Key.StartsWith("ReverseProxy__Clusters__replicas__Destinations__", StringComparison.Ordinal)
                && pair.Key.EndsWith("__Address", StringComparison.Ordinal))
            .Select(pair => new Uri(pair.Value))
            .ToList();
        var destination = Assert.Single(destinations);
        Assert.Equal("api", destination.Host);

        var apiUrls = ComposeFile.Environment(_compose.Service("api")).GetValueOrDefault("ASPNETCORE_URLS") ?? "";
        Assert.True(apiUrls.EndsWith($":{destination.Port}", StringComparison.Ordinal),
            $"the gateway calls api on port {destination.Port}, the api listens on {apiUrls}");
        Assert.True(SharesNetwork("gateway", "api"), "the gateway and the api share no network");
        Assert.Equal("9100", environment.GetValueOrDefault("Metrics__Port"));
    }

    [Fact]
    public void The_gateway_serves_HTTPS_only_from_certificate_secrets()
    {
        var gateway = _compose.Service("gateway");
        var environment = ComposeFile.Environment(gateway);

        // Plain HTTP off unless PLATFORM_GATEWAY_HTTP_URLS turns it on (for a TLS-terminating balancer).
        Assert.Equal("", environment.GetValueOrDefault("ASPNETCORE_URLS"));
        Assert.Equal("true", environment.GetValueOrDefault("Tls__Enabled"));
        Assert.Equal("8443", environment.GetValueOrDefault("Tls__Port"));
        Assert.Equal("+", environment.GetValueOrDefault("Tls__Host"));
        var secrets = (gateway.GetValueOrDefault("secrets") as IEnumerable<object?> ?? []).Select(secret => secret?.ToString()).ToList();
        foreach (var (key, secret) in new[] { ("Tls__CertificateFile", "gateway_tls_certificate"), ("Tls__KeyFile", "gateway_tls_key") })
        {
            Assert.Equal($"/run/secrets/{secret}", environment.GetValueOrDefault(key));
            Assert.Contains(secret, secrets);
            Assert.True(_compose.Section("secrets").ContainsKey(secret), $"no top-level secret {secret}");
        }
    }

    private IEnumerable<(string Service, string Source, string Target)> Mounts() =>
        _compose.Services.SelectMany(service => ComposeFile.Maps(service.Value.GetValueOrDefault("configs"))
            .Select(mount => (service.Key, ComposeFile.Text(mount, "source") ?? "", ComposeFile.Text(mount, "target") ?? "")));

    private bool SharesNetwork(string first, string second) =>
        ComposeFile.Networks(_compose.Service(first)).Overlaps(ComposeFile.Networks(_compose.Service(second)));

    private static IReadOnlyDictionary<string, object?> Yaml(string path) =>
        ComposeFile.Map(new DeserializerBuilder().Build().Deserialize<object?>(File.ReadAllText(path)))
            ?? throw new InvalidDataException($"{path} is not a YAML mapping");
}
