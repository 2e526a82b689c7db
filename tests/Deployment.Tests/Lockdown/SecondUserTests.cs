using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Lockdown;

/// <summary>
/// What another local user meets on a machine running the platform: no MariaDB login, no Redis command, no
/// file of the state directory, no trace (the trace viewer, on loopback like the rest, opens only with its
/// keys); while the platform serves and its exporters report. The platform is brought up over state an
/// earlier version left (a 0755 state directory, a data directory whose root has no password), so
/// <c>up</c>'s upgrade in place is what is checked.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecondUserTests
{
    /// <summary>A system user with no home and no shell, made once per machine (as root).</summary>
    private const string Probe = "platform-probe";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_local_user_reaches_no_store_no_file_and_no_trace_while_the_platform_serves()
    {
        foreach (var tool in (string[])["runuser", "useradd", "mariadb", "redis-cli", MariaDbService.InstallDb, .. LocalPlatform.Servers])
        {
            RequiredServer.Locate(tool);
        }

        if (Environment.UserName != "root")
        {
            RequiredServer.Locate("root, to add and become a second user", failWhenMissing: RequiredServer.IsCi);
        }

        await EnsureProbeUserAsync();
        await using var platform = new LocalPlatform(LocalPlatform.UnthrottledClients);
        var state = platform.StateDirectory;
        var layout = new StateLayout(RepositoryRoot.Path, state);
        await LeaveAnEarlierVersionsStateAsync(layout);

        await platform.RunOrFailAsync("up");

        // up tightened what it found and made the rest private.
        Assert.All(Directory.EnumerateDirectories(state, "*", SearchOption.AllDirectories).Prepend(state),
            directory => Assert.True(File.GetUnixFileMode(directory) == PrivateDirectory.Mode, $"{directory} is {File.GetUnixFileMode(directory)}"));

        var port = platform.Setting(PlatformVariables.DatabasePort);
        var redis = platform.Setting(PlatformVariables.RedisPort);
        await AssertProbeFailsAsync("mariadb", "-S", layout.MariaDbSocket, "-u", "root", "-e", "SELECT 1");
        await AssertProbeFailsAsync("mariadb", "--protocol=tcp", "-h", "127.0.0.1", "-P", port, "-u", "root", "-e", "SELECT 1");
        Assert.Contains("NOAUTH", await AsProbeAsync("redis-cli", "-p", redis, "PING"), StringComparison.Ordinal);
        Assert.Contains("NOAUTH", await AsProbeAsync("redis-cli", "-p", redis, "XRANGE", RedisUsers.EventStream, "-", "+"), StringComparison.Ordinal);
        await AssertProbeFailsAsync("ls", state);
        foreach (var file in (string[])[layout.RootPasswordFile, layout.PasswordFile, layout.RedisPasswordFile(RedisUsers.Operator), layout.Log(ProcessNames.Gateway), Path.Combine(layout.RedisData, "appendonlydir"),
                     Path.Combine(layout.TraceViewerKeys, TraceViewerKeys.BrowserTokenFile), Path.Combine(layout.TraceViewerKeys, TraceViewerKeys.OtlpKeyFile)])
        {
            await AssertProbeFailsAsync("cat", file);
        }

        await AssertTraceViewerLockedAsync(platform, layout);

        // root still logs in, with the password up gave it on the old data directory, and never without.
        await using (await MariaDbService.OpenRootAsync(MariaDbService.Root(layout), Cancellation))
        {
        }

        // The platform serves: a create and its read through the gateway.
        using var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var checkIn = new DateOnly(2031, 1, 1).AddDays(Random.Shared.Next(0, 3000));
        using var created = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(77, checkIn, checkIn.AddDays(1)).ToJson(), Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync(Cancellation))!;
        using var read = new HttpRequestMessage(HttpMethod.Get, created.Headers.Location);
        read.Headers.Add("X-Reservation-Secret", (string?)body["guestSecret"]);
        using var answer = await client.SendAsync(read, Cancellation);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        // A keyed client's traffic too; then no management port names a key or a guest's field, since local users may read them.
        var (clientName, key) = BenchClients.ReadKeys(layout.BenchKeysFile).First();
        var guest = new ReservationRequest(78, checkIn, checkIn.AddDays(1)) { GuestName = "Zoë Private-Name", GuestEmail = "zoe.private@example.org" };
        using (var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations") { Content = JsonContent.Create(guest.ToJson()) })
        {
            keyed.Headers.Add("X-Api-Key", key);
            using var keyedAnswer = await client.SendAsync(keyed, Cancellation);
            Assert.Equal(HttpStatusCode.Created, keyedAnswer.StatusCode);
        }

        var metricsBase = int.Parse(platform.Setting(PlatformVariables.MetricsBasePort), CultureInfo.InvariantCulture);
        foreach (var metricsPort in Enumerable.Range(metricsBase, 4))
        {
            var metrics = await AsProbeAsync("curl", "-fsS", $"http://127.0.0.1:{metricsPort}/metrics");
            Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
            foreach (var secret in (string[])[key, guest.GuestName, guest.GuestEmail, guest.GuestPhone, "Ana Pérez", "ana@example.com", (string)body["guestSecret"]!])
            {
                Assert.False(metrics.Contains(secret, StringComparison.Ordinal), $"the metrics on port {metricsPort} hold '{secret}' ({clientName}'s key or a guest's field)");
            }
        }

        // The exporters log in as their own users and report (redis_up alone would be 1 without a login); their pages are open to local users.
        Assert.Contains("mysql_up 1", await AsProbeAsync("curl", "-fsS", $"http://127.0.0.1:{platform.Setting(PlatformVariables.MysqldExporterPort)}/metrics"), StringComparison.Ordinal);
        await Eventually.AssertAsync(
            async () => (await AsProbeAsync("curl", "-fsS", $"http://127.0.0.1:{platform.Setting(PlatformVariables.RedisExporterPort)}/metrics")).Split('\n')
                .Any(line => line.StartsWith($"redis_stream_length{{db=\"db0\",stream=\"{RedisUsers.EventStream}\"}} ", StringComparison.Ordinal) && !line.EndsWith(" 0", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the relay's events never showed in the Redis exporter's stream length");
    }

    /// <summary>
    /// up started the trace viewer, status lists it on its port, and the gateway and the replicas export to it;
    /// the other user gets a login page for its UI and 401 from OTLP and the telemetry API, where OTLP with the
    /// key (read by the platform's user) is taken.
    /// </summary>
    private static async Task AssertTraceViewerLockedAsync(LocalPlatform platform, StateLayout layout)
    {
        var ui = platform.TraceViewerAddress;
        var otlp = platform.TraceViewerOtlpAddress;
        var status = await platform.RunOrFailAsync("status");
        var row = Assert.Single(status.Split('\n'), line => line.StartsWith(ProcessNames.TraceViewer + " ", StringComparison.Ordinal));
        Assert.Matches($@"^trace-viewer +\d+ +{ui.Port} +running +HTTP 200; OTLP :{otlp.Port} HTTP 200", row);

        var table = new ProcessTable(layout);
        foreach (var process in (string[])[ProcessNames.Gateway, ProcessNames.Replica(1)])
        {
            var environment = (await File.ReadAllTextAsync($"/proc/{table.RunningPid(process)}/environ", Cancellation)).Split('\0');
            Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT={otlp.ToString().TrimEnd('/')}", environment);
            Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", environment);
            Assert.Contains($"OTEL_EXPORTER_OTLP_HEADERS={TraceViewerService.OtlpHeaders(TraceViewerKeys.Ensure(layout.TraceViewerKeys).OtlpKey)}", environment);
        }

        var login = await AsProbeAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", new Uri(ui, "traces").ToString());
        Assert.True(login.StartsWith("302 ", StringComparison.Ordinal) && login.Contains("/login", StringComparison.Ordinal), $"the viewer's UI answered {login} without a login");
        const string NoSpans = "{\"resourceSpans\":[]}";
        Assert.Equal("401", await AsProbeAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "--data", NoSpans, new Uri(otlp, "v1/traces").ToString()));
        Assert.Equal("401", await AsProbeAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", new Uri(ui, "api/telemetry/traces").ToString()));

        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp, "v1/traces")) { Content = new StringContent(NoSpans, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(TraceViewerService.OtlpKeyHeader, TraceViewerKeys.Ensure(layout.TraceViewerKeys).OtlpKey);
        using var taken = await client.SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
    }

    private static async Task EnsureProbeUserAsync()
    {
        if ((await ChildProcess.RunAsync("id", ["-u", Probe], TimeSpan.FromSeconds(10))).ExitCode == 0)
        {
            return;
        }

        var (exitCode, output) = await ChildProcess.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Probe], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0 || output.Contains("already exists", StringComparison.Ordinal), $"useradd failed ({exitCode}): {output}");
    }

    /// <summary>What a version before this one left: everything 0755, and a data directory whose root has no password.</summary>
    private static async Task LeaveAnEarlierVersionsStateAsync(StateLayout layout)
    {
        var files = MariaDbService.Files(layout);
        Directory.CreateDirectory(files.TempDirectory);
        var (exitCode, output) = await ChildProcess.RunAsync(MariaDbService.InstallDb,
            ["--no-defaults", $"--user={Environment.UserName}", $"--datadir={files.DataDirectory}", $"--tmpdir={files.TempDirectory}",
             "--auth-root-authentication-method=normal", "--skip-test-db"], TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
        const UnixFileMode Open = PrivateDirectory.Mode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        foreach (var directory in Directory.EnumerateDirectories(layout.State, "*", SearchOption.AllDirectories).Prepend(layout.State))
        {
            File.SetUnixFileMode(directory, Open);
        }
    }

    private static async Task<string> AsProbeAsync(string program, params string[] arguments)
    {
        // From / so no command starts in a directory the probe cannot enter.
        var (_, output) = await ChildProcess.RunAsync("runuser", ["-u", Probe, "--", "env", "-C", "/", program, .. arguments], TimeSpan.FromSeconds(30));
        return output;
    }

    private static async Task AssertProbeFailsAsync(string program, params string[] arguments)
    {
        var (exitCode, output) = await ChildProcess.RunAsync("runuser", ["-u", Probe, "--", "env", "-C", "/", program, .. arguments], TimeSpan.FromSeconds(30));
        Assert.True(exitCode != 0, $"as {Probe}, {program} {string.Join(' ', arguments)} succeeded: {output}");
    }
}
