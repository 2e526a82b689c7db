using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Compose;

/// <summary>
/// docker-compose.scale.yml is written for containers (service names, secrets, DNS), but it must configure
/// each process as tools/Topology does for <c>./platform</c>: the same settings, the same server flags. Two
/// hand-kept definitions drift; these tests make the drift a failure. The exporter's database user too:
/// compose creates it from api/Database/exporter-user.sh, up from <see cref="MariaDbService.ExporterSql"/>.
/// </summary>
public sealed class ComposeMatchesTopologyTests
{
    // ASP.NET Core's environment is Production when unset, as it is in the containers.
    private static readonly string[] LocalOnly = ["DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT"];

    private static readonly ComposeFile Compose = ComposeFile.Load();

    [Fact]
    public void The_api_service_sets_every_setting_a_local_replica_gets()
    {
        var local = ApiReplicaService.Start("/app", "api-1", 5001, 9101, "Server=x", "redis:6379", "/key").Environment!;
        var compose = ComposeFile.Environment(Compose.Service("api"));
        // One service scaled to N containers cannot name each: a replica's id defaults to its hostname, the container's id.
        Assert.All(local.Keys.Except(LocalOnly).Except(["Replica__Id"]), key => Assert.True(compose.ContainsKey(key), $"compose's api service does not set {key}"));
        Assert.Equal(local[HostDefaults.SpinLimitVariable], compose[HostDefaults.SpinLimitVariable]);
    }

    [Fact]
    public void The_gateway_service_sets_every_setting_a_local_gateway_gets_but_its_files()
    {
        // Locally the replicas and clients come from files up writes; in compose from DNS and the environment.
        var local = GatewayService.Start("/app", 8080, 9100, "/key", destinationsFile: null, clientsFile: null).Environment!;
        var compose = ComposeFile.Environment(Compose.Service("gateway"));
        Assert.All(local.Keys.Except(LocalOnly).Except([HostDefaults.SpinLimitVariable]),
            key => Assert.True(compose.ContainsKey(key), $"compose's gateway service does not set {key}"));
    }

    [Fact]
    public void The_gateway_service_turns_TLS_on_as_up_does_with_the_cipher_configuration_in_the_image()
    {
        var local = GatewayService.Tls("/app", 8443, new Platform.Topology.Files.LocalCertificateFiles("/tls"));
        var compose = ComposeFile.Environment(Compose.Service("gateway"));
        Assert.All(local.Keys.Where(key => key.StartsWith("Tls__", StringComparison.Ordinal)),
            key => Assert.True(compose.ContainsKey(key), $"compose's gateway service does not set {key}"));
        // OpenSSL reads it when the process starts: the image sets it, at the path the launcher uses.
        Assert.Contains($"OPENSSL_CONF={local["OPENSSL_CONF"]}", File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("gateway", "Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_trace_viewer_is_the_version_up_runs_set_up_as_up_sets_it_with_each_key_required()
    {
        var local = TraceViewerService.Start("/app", "/home", 18888, 18890, new TraceViewerKeys("token", "otlp", "api")).Environment!;
        var service = Compose.Service("trace-viewer");
        var compose = ComposeFile.Environment(service);
        // Locally its home and temp directory are in the state directory; in the container, the image's.
        Assert.All(local.Keys.Except(["HOME", "TMPDIR"]), key => Assert.True(compose.ContainsKey(key), $"compose's trace-viewer service does not set {key}"));
        Assert.All(local.Keys.Where(key => !key.Contains("Url", StringComparison.OrdinalIgnoreCase) && !key.EndsWith("Key", StringComparison.Ordinal)
                && !key.EndsWith("Token", StringComparison.Ordinal) && key is not ("HOME" or "TMPDIR")),
            key => Assert.True(local[key] == compose[key], $"compose's trace-viewer sets {key}={compose[key]}, up {local[key]}"));
        Assert.Equal("18890", compose["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"].Split(':')[^1]);

        var raw = ComposeFile.Map(service.GetValueOrDefault("environment"))!;
        foreach (var key in (string[])["Dashboard__Frontend__BrowserToken", "Dashboard__Otlp__PrimaryApiKey", "Dashboard__Api__PrimaryApiKey"])
            Assert.True(ComposeFile.RequiredNames(ComposeFile.Scalar(raw[key]) ?? "").Count == 1, $"compose's trace-viewer must take {key} from a required variable (${{NAME:?message}})");

        var packages = File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("Directory.Packages.props"));
        var version = System.Text.RegularExpressions.Regex.Match(packages, @"""Aspire\.Dashboard\.Sdk\.linux-x64"" Version=""([^""]+)""").Groups[1].Value;
        Assert.Equal($"mcr.microsoft.com/dotnet/aspire-dashboard:{version}", ComposeFile.Text(service, "image"));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("gateway")]
    public void The_service_exports_to_the_trace_viewer_with_the_variables_up_gives_it(string name)
    {
        var local = TraceViewerService.Exporter(18890, "key");
        var service = Compose.Service(name);
        var compose = ComposeFile.Environment(service);
        var viewer = ComposeFile.Environment(Compose.Service("trace-viewer"));
        Assert.All(local.Keys, key => Assert.True(compose.ContainsKey(key), $"compose's {name} service does not set {key}"));

        Assert.Equal(local["OTEL_EXPORTER_OTLP_PROTOCOL"], compose["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        var endpoint = new Uri(compose["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal(("trace-viewer", viewer["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"].Split(':')[^1]),
            (endpoint.Host, endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TraceViewerService.OtlpHeaders(viewer["Dashboard__Otlp__PrimaryApiKey"]), compose["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.True(ComposeFile.Networks(service).Overlaps(ComposeFile.Networks(Compose.Service("trace-viewer"))), $"{name} and trace-viewer share no network");
    }

    [Fact]
    public void Prometheus_keeps_exemplars_as_up_runs_it()
    {
        RequiredServer.Locate(PrometheusService.Server);
        Assert.Contains(PrometheusService.ExemplarStorage, PrometheusService.Start("/config", "/data", 9090).Arguments);
        AssertFlags("prometheus", [PrometheusService.ExemplarStorage]);
    }

    [Fact]
    public void The_exporters_and_redis_run_with_the_flags_up_gives_them()
    {
        RequiredServer.LocateAll([ExporterServices.Node, ExporterServices.Mysqld, ExporterServices.Redis, RedisService.Server]);
        AssertFlags("node-exporter", ExporterServices.NodeExporter(9200, "/textfiles").Arguments.Where(a => a.StartsWith("--collector", StringComparison.Ordinal)));
        AssertFlags("mysqld-exporter", ExporterServices.MysqldExporter(9204, "/cnf").Arguments.Where(a => a.Contains("collect", StringComparison.Ordinal)));
        AssertFlags("redis-exporter", ExporterServices.RedisExporter(9221, 6379, "unused").Arguments.Where(a => a.StartsWith("-check-", StringComparison.Ordinal)));
        var redis = RedisService.Start(6379, "/data", null).Arguments.ToList();
        var appendOnly = redis[redis.IndexOf("--appendonly") + 1];
        Assert.Contains(appendOnly, Command("redis").SkipWhile(a => a != "--appendonly").Skip(1).Take(1));
    }

    [Fact]
    public void The_compose_exporter_user_has_the_grants_and_connection_limit_up_gives_it()
    {
        // The compose MariaDB creates it from api/Database/exporter-user.sh on its first start; up from
        // MariaDbService.ExporterSql. The hosts differ (any container, or loopback), nothing else may.
        var local = Grants(MariaDbService.ExporterSql("secret").Replace("'127.0.0.1'", "'%'", StringComparison.Ordinal));
        var script = File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("api", "Database", "exporter-user.sh"));

        Assert.NotEmpty(local);
        Assert.Equal(local, Grants(script));
        Assert.Contains("WITH MAX_USER_CONNECTIONS 3", MariaDbService.ExporterSql("secret"), StringComparison.Ordinal);
        Assert.Contains("WITH MAX_USER_CONNECTIONS 3", script, StringComparison.Ordinal);
    }

    private static List<string> Grants(string sql) =>
        [.. sql.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("GRANT ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static void AssertFlags(string service, IEnumerable<string> flags)
    {
        var command = Command(service);
        var expected = flags.ToList();
        Assert.NotEmpty(expected);
        Assert.All(expected, flag => Assert.True(command.Contains(flag), $"compose's {service} runs without {flag}: {string.Join(' ', command)}"));
    }

    private static IReadOnlyList<string> Command(string service) => ComposeFile.Strings(Compose.Service(service).GetValueOrDefault("command"));
}
