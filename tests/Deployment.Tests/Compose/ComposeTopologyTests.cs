namespace Platform.Deployment.Tests.Compose;

/// <summary>Who can reach what, and the hygiene that lets `--scale` and a Swarm stack work.</summary>
public sealed class ComposeTopologyTests
{
    private static readonly string[] StatefulOnBackendOnly = ["api", "mariadb", "redis"];

    private readonly ComposeFile _compose = ComposeFile.Load();

    [Fact]
    public void Only_the_gateway_on_8443_grafana_on_3000_and_the_trace_viewers_UI_on_loopback_publish_ports()
    {
        var publishing = _compose.Services
            .Where(service => ComposeFile.Ports(service.Value).Count > 0)
            .Select(service => service.Key)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(publishing.SequenceEqual(["gateway", "grafana", "trace-viewer"]),
            $"only gateway, grafana and trace-viewer may publish ports; publishing: {string.Join(", ", publishing)}");
        // HTTPS only: the plain port is off (docs/operating.md, TLS).
        Assert.Equal([("8443", "8443")], ComposeFile.Ports(_compose.Service("gateway")));
        Assert.Equal([("3000", "3000")], ComposeFile.Ports(_compose.Service("grafana")));
        // The UI for the operator on the host itself; never its OTLP port, which only the services use.
        Assert.Equal([("18888", "18888")], ComposeFile.Ports(_compose.Service("trace-viewer")));
        Assert.Equal(["127.0.0.1:${PLATFORM_TRACE_VIEWER_PORT:-18888}:18888"], ComposeFile.Strings(_compose.Service("trace-viewer").GetValueOrDefault("ports")));
    }

    [Fact]
    public void The_backend_network_is_internal()
    {
        var backend = _compose.Section("networks").GetValueOrDefault("backend");

        Assert.True(backend is not null, "docker-compose.scale.yml must declare a 'backend' network");
        Assert.True(ComposeFile.Text(backend, "internal") == "true", "the 'backend' network must be 'internal: true': no route out, and nothing on it can be published");
    }

    [Fact]
    public void Api_mariadb_and_redis_are_on_the_internal_network_only()
    {
        foreach (var name in StatefulOnBackendOnly)
        {
            var networks = ComposeFile.Networks(_compose.Service(name));
            Assert.True(networks.SetEquals(["backend"]),
                $"{name} must be on the internal 'backend' network only, so no client can reach it; it is on: {string.Join(", ", networks)}");
        }
    }

    [Fact]
    public void Clients_reach_only_the_gateway_and_grafana_networks()
    {
        var onFrontend = _compose.Services
            .Where(service => ComposeFile.Networks(service.Value).Contains("frontend"))
            .Select(service => service.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var nonInternal = _compose.Section("networks")
            .Where(network => ComposeFile.Text(network.Value, "internal") != "true")
            .Select(network => network.Key)
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(onFrontend.SequenceEqual(["gateway", "grafana"]), $"'frontend' is for gateway and grafana only; on it: {string.Join(", ", onFrontend)}");
        Assert.All(StatefulOnBackendOnly, name => Assert.False(
            ComposeFile.Networks(_compose.Service(name)).Overlaps(nonInternal),
            $"{name} joins a network that is not internal"));
        // The gateway and Prometheus must share the backend with the replicas to proxy and scrape them.
        Assert.Contains("backend", ComposeFile.Networks(_compose.Service("gateway")));
        Assert.Contains("backend", ComposeFile.Networks(_compose.Service("prometheus")));
    }

    [Fact]
    public void The_api_runs_three_replicas_that_resolve_by_dns_round_robin()
    {
        var api = _compose.Service("api");

        Assert.True(ComposeFile.Text(api, "deploy", "replicas") == "3", "api must have deploy.replicas: 3");
        Assert.True(ComposeFile.Text(api, "deploy", "endpoint_mode") == "dnsrr",
            "api must have deploy.endpoint_mode: dnsrr, so that in a Swarm `api` resolves to every task as it does in compose");
    }

    [Fact]
    public void No_service_sets_a_container_name()
    {
        var named = _compose.Services.Where(service => service.Value.ContainsKey("container_name")).Select(service => service.Key).ToList();

        Assert.True(named.Count == 0, $"container_name makes `--scale` fail and clashes between projects; set on: {string.Join(", ", named)}");
    }

    [Fact]
    public void Every_volume_is_a_named_volume()
    {
        var declared = _compose.Section("volumes").Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, service) in _compose.Services)
        {
            foreach (var entry in service.GetValueOrDefault("volumes") as IEnumerable<object?> ?? [])
            {
                var (type, source) = ComposeFile.Map(entry) is { } longSyntax
                    ? (ComposeFile.Text(longSyntax, "type") ?? "volume", ComposeFile.Text(longSyntax, "source") ?? "")
                    : ("volume", (ComposeFile.Scalar(entry) ?? "").Split(':')[0]);

                Assert.True(type == "volume" && declared.Contains(source),
                    $"{name}: '{ComposeFile.Scalar(entry) ?? source}' is not a named volume declared under volumes: (no host bind mounts; files come in as configs)");
            }
        }
    }

    /// <summary>
    /// The trace viewer's image is distroless (no shell, curl or wget to probe with), so it has none, and
    /// therefore nothing may wait for it: a service that cannot export drops its spans and serves on.
    /// </summary>
    [Fact]
    public void Every_service_has_a_healthcheck_but_the_trace_viewer_which_nothing_waits_for()
    {
        Assert.Equal("true", ComposeFile.Text(_compose.Service("trace-viewer"), "healthcheck", "disable"));
        Assert.All(_compose.Services, service => Assert.False(
            ComposeFile.Map(service.Value.GetValueOrDefault("depends_on"))?.ContainsKey("trace-viewer") ?? false,
            $"{service.Key} waits for trace-viewer, which has no healthcheck"));
        foreach (var (name, service) in _compose.Services.Where(service => service.Key != "trace-viewer"))
        {
            var healthcheck = ComposeFile.Child(service, "healthcheck");
            var test = ComposeFile.Strings(healthcheck?.GetValueOrDefault("test"));
            Assert.True(test.Count > 0 && test[0] != "NONE" && ComposeFile.Text(healthcheck, "disable") != "true",
                $"{name} has no healthcheck: depends_on conditions and operators need one for every service");
        }
    }

    [Fact]
    public void Every_service_restarts_and_has_resource_limits()
    {
        foreach (var (name, service) in _compose.Services)
        {
            Assert.True(ComposeFile.Text(service, "restart") == "unless-stopped", $"{name} needs restart: unless-stopped (compose)");
            Assert.True(ComposeFile.Text(service, "deploy", "restart_policy", "condition") is { Length: > 0 },
                $"{name} needs deploy.restart_policy.condition (Swarm ignores restart:)");
            Assert.True(ComposeFile.Text(service, "deploy", "resources", "limits", "cpus") is { Length: > 0 }, $"{name} needs deploy.resources.limits.cpus");
            Assert.True(ComposeFile.Text(service, "deploy", "resources", "limits", "memory") is { Length: > 0 }, $"{name} needs deploy.resources.limits.memory");
        }
    }

    [Theory]
    [InlineData("api", "platform/api:", "api/Dockerfile")]
    [InlineData("gateway", "platform/gateway:", "gateway/Dockerfile")]
    public void Built_services_name_their_image_and_build_from_the_repository_root(string name, string imagePrefix, string dockerfile)
    {
        var service = _compose.Service(name);

        Assert.StartsWith(imagePrefix, ComposeFile.Text(service, "image") ?? "", StringComparison.Ordinal);
        Assert.Equal(".", ComposeFile.Text(service, "build", "context"));
        Assert.Equal(dockerfile, ComposeFile.Text(service, "build", "dockerfile"));
        Assert.True(File.Exists(Platform.Topology.RepositoryRoot.Combine(dockerfile.Split('/'))), $"{dockerfile} does not exist");
    }

    [Fact]
    public void Every_service_runs_an_image_and_none_is_build_only()
    {
        var imageless = _compose.Services.Where(service => ComposeFile.Text(service.Value, "image") is not { Length: > 0 }).Select(service => service.Key).ToList();

        Assert.True(imageless.Count == 0, $"every service needs an image: (a Swarm cannot build); without: {string.Join(", ", imageless)}");
    }

    [Fact]
    public void Third_party_images_are_pinned()
    {
        foreach (var (name, service) in _compose.Services.Where(service => service.Value.ContainsKey("build") is false))
        {
            var image = ComposeFile.Text(service, "image") ?? "";
            var tag = image.Contains(':', StringComparison.Ordinal) ? image[(image.LastIndexOf(':') + 1)..] : "";
            Assert.True(tag.Length > 0 && tag != "latest", $"{name}: pin the image to a version tag, not '{image}'");
        }

        Assert.StartsWith("v2.", Tag("prometheus"), StringComparison.Ordinal);
        Assert.StartsWith("11.", Tag("grafana"), StringComparison.Ordinal);
        Assert.StartsWith("v", Tag("alertmanager"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_depends_on_waits_for_a_healthy_service()
    {
        var edges = new List<string>();
        foreach (var (name, service) in _compose.Services)
        {
            var dependsOn = service.GetValueOrDefault("depends_on");
            if (dependsOn is null)
            {
                continue;
            }

            var map = ComposeFile.Map(dependsOn);
            Assert.True(map is not null, $"{name}: depends_on must be the long form with condition: service_healthy, not a list");
            foreach (var (dependency, condition) in map)
            {
                Assert.True(ComposeFile.Text(ComposeFile.Map(condition), "condition") == "service_healthy",
                    $"{name} depends on {dependency} without condition: service_healthy");
                Assert.True(ComposeFile.Child(_compose.Service(dependency), "healthcheck") is not null,
                    $"{name} waits for {dependency} to be healthy, but {dependency} has no healthcheck");
                edges.Add($"{name}->{dependency}");
            }
        }

        Assert.Superset(
            new HashSet<string>(["api->mariadb", "api->redis", "backup->mariadb", "gateway->api", "grafana->prometheus", "prometheus->alertmanager"], StringComparer.Ordinal),
            edges.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_password_comes_from_a_required_variable()
    {
        foreach (var (name, service) in _compose.Services)
        {
            var rawEnvironment = ComposeFile.Map(service.GetValueOrDefault("environment")) ?? new Dictionary<string, object?>();
            foreach (var (key, value) in rawEnvironment)
            {
                var text = ComposeFile.Scalar(value) ?? "";
                // A *_FILE or *File variable naming a mounted secret holds a path, not a password.
                var namesSecret = key.EndsWith("FILE", StringComparison.OrdinalIgnoreCase) && text.StartsWith("/run/secrets/", StringComparison.Ordinal);
                var holdsPassword = key.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase) && !namesSecret;
                if (holdsPassword || text.Contains("Password=", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.True(ComposeFile.RequiredNames(text).Any(variable => variable.Contains("PASSWORD", StringComparison.Ordinal)),
                        $"{name}.{key} must take its password from a required variable (${{NAME:?message}}), never a literal or a default");
                }
            }
        }
    }

    private string Tag(string service)
    {
        var image = ComposeFile.Text(_compose.Service(service), "image") ?? "";
        return image[(image.LastIndexOf(':') + 1)..];
    }
}
