using System.Diagnostics;
using System.Globalization;
using Platform.Contracts.Identity;
using Platform.Load.Cli;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// <c>./platform bench gateway</c>: what the gateway adds per request, side by side in one run: wrk GET
/// /api/v1/health (or creates that each book a night nobody else asks for) straight to replica 1
/// (<c>direct</c>), through the published gateway with every feature on under a limit nothing reaches
/// (<c>gateway-on</c>) or with the limiter and metrics off (<c>gateway-off</c>), through nginx
/// (<c>nginx</c>), YARP with nothing of ours (<c>yarp-floor</c>), and the gateway as of BENCH_BASELINE
/// (<c>gateway-baseline</c>); over HTTPS, gateway-on on its TLS port as <c>up</c> runs it (<c>gateway-tls</c>,
/// its certificate replaced every BENCH_TLS_ROTATE_EVERY seconds if set) beside nginx terminating TLS with
/// the same certificate (<c>nginx-tls</c>), where HTTP/2 and new handshakes are measured too
/// (<see cref="TlsClients"/>). Each run is warmed up with the same shape first; BENCH_ROUNDS rounds run every
/// configuration in turn so the machine's drift falls on all of them, and the table gives each column's
/// median with the ratios. The replicas, their ports, the identity key and replica 1's pid come from the
/// topology model; the proxies it starts it stops again. All traffic stays on 127.0.0.1.
/// </summary>
public sealed class GatewayBench(GatewayArguments run, BenchSettings platform, TextWriter output, TextWriter progress)
{
    private const string HealthPath = "/api/v1/health";

    private readonly Dictionary<string, List<GatewaySample>> _rounds = [];

    private readonly Dictionary<string, List<TlsTable.Round>> _tlsRounds = [];

    // The same configurations at BENCH_RATE requests per second (hey), when set.
    private readonly Dictionary<string, List<GatewaySample>> _fixedRounds = [];

    // Under BENCH_PROFILE, each configuration's profiled runs.
    private readonly Dictionary<string, List<ProfileTable.Run>> _profiles = [];

    private readonly GatewayPublish _publish = new(platform.Platform.Layout, run, progress);

    private StateLayout Layout => platform.Platform.Layout;

    private LocalCertificateFiles BenchCertificates => new(Path.Combine(Layout.State, "bench", "tls"));

    private IReadOnlyList<int> ReplicaPorts => [.. Enumerable.Range(1, platform.Replicas).Select(platform.Platform.Ports.Api)];

    private string Counters => Path.Combine(Layout.State, "tools", "dotnet-counters");

    private int _nextDay;

    private int _round = 1;

    /// <exception cref="PlatformException">A tool, the platform or a port is missing, or a run failed.</exception>
    public async Task<int> RunAsync()
    {
        PrivateDirectory.Create(run.Results);
        await CheckPrerequisitesAsync();
        if (run.Configs.Any(GatewayArguments.RunsPublishedGateway))
            await _publish.GatewayAsync();
        if (run.Configs.Contains(GatewayArguments.YarpFloor))
            await _publish.FloorAsync();
        if (run.Configs.Contains(GatewayArguments.GatewayBaseline))
            await _publish.BaselineAsync();
        await File.WriteAllTextAsync(Path.Combine(run.Results, "settings.txt"), string.Create(CultureInfo.InvariantCulture,
            $"date: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\nwrk: -t{run.Threads} -c{run.Connections} -d{run.Duration}s (warm-up {run.Warmup}s), workload {run.Workload}, {run.Rounds} round(s)\n"
            + $"gateway extra settings: {(run.GatewayEnvironment.Count > 0 ? string.Join(' ', run.GatewayEnvironment) : "none")}\n"
            + $"publish arguments: {(run.PublishArguments.Count > 0 ? string.Join(' ', run.PublishArguments) : "none")}\n"));

        for (_round = 1; _round <= run.Rounds; _round++)
        {
            if (run.Rounds > 1)
                await Info($"round {_round} of {run.Rounds}");
            foreach (var config in run.Configs)
                await RunConfigAsync(config);
        }

        var rows = _rounds.ToDictionary(pair => pair.Key, pair => GatewayTable.Summarise(pair.Value));
        var fixedRows = _fixedRounds.ToDictionary(pair => pair.Key, pair => GatewayTable.Summarise(pair.Value));
        var table = GatewayTable.Render(run.Configs, rows, run.Rounds, run.Rate, fixedRows)
            + TlsTable.Render(run.Configs, rows, _tlsRounds.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<TlsTable.Round>)pair.Value))
            + ProfileTable.Render(run.Configs, _profiles);
        await output.WriteAsync(table);
        await File.WriteAllTextAsync(Path.Combine(run.Results, "table.md"), table);
        await Info($"raw outputs in {Layout.Display(run.Results)}");
        // Every create books a night no other request asks for, so anything but 201 is a fault of the run.
        var bad = rows.Where(row => row.Value.Non2xx > 0).Select(row => $"{row.Key}:{row.Value.Non2xx}").ToList();
        if (run.Workload == GatewayArguments.Create && bad.Count > 0)
        {
            await Console.Out.FlushAsync();
            await progress.WriteLineAsync($"error: creates answered other than 201 (configuration:count): {string.Join(' ', bad)}; see the statuses column");
            return 1;
        }
        // A certificate replaced under load must cost no request: any non-2xx, socket error or timeout fails the run.
        if (run.RotateEvery > 0 && _rounds.TryGetValue(GatewayArguments.GatewayTls, out var rotated)
            && rotated.Sum(sample => sample.Non2xx + sample.Errors) is > 0 and var failed)
        {
            await Console.Out.FlushAsync();
            await progress.WriteLineAsync($"error: {failed} request(s) failed while the certificate was replaced; see {Layout.Display(run.Results)}");
            return 1;
        }
        return 0;
    }

    private async Task CheckPrerequisitesAsync()
    {
        var tools = new Dictionary<string, string> { ["wrk"] = "wrk", ["nginx"] = "nginx-light" };
        if (run.Configs.Any(GatewayArguments.IsTls))
        {
            tools[TlsClients.H2Load] = "nghttp2-client";
            tools[TlsClients.OpenSsl] = "openssl";
        }
        if (run.Rate > 0)
            tools[HeyRun.Program] = HeyRun.Package;
        if (run.Profile)
        {
            tools["perf"] = "linux-perf";
            tools["python3"] = "python3";
        }
        await DebianPackages.EnsureAsync(tools, progress);
        if (run.Allocations && !File.Exists(Counters))
        {
            await Info($"installing dotnet-counters into {Path.GetDirectoryName(Counters)}");
            var (exit, _) = await CommandRunner.RunAsync(
                new ServiceCommand(Binaries.Dotnet(), ["tool", "install", "dotnet-counters", "--tool-path", Path.GetDirectoryName(Counters)!]), TimeSpan.FromMinutes(5));
            if (exit != 0)
                throw new PlatformException("could not install dotnet-counters");
        }
        if (run.Workload == GatewayArguments.Create)
        {
            if (!File.Exists(Layout.MariaDbSocket))
                throw new PlatformException($"no MariaDB socket at {Layout.Display(Layout.MariaDbSocket)}; run './platform up' first");
            _nextDay = int.Parse(await new Writes.WritesDatabase(platform.DbConnection).ScalarAsync(BenchNights.FirstFreeDay), CultureInfo.InvariantCulture);
        }
        foreach (var port in ReplicaPorts)
        {
            if (!await Probes.HttpOkAsync(Probes.Local(port, HealthPath)))
                throw new PlatformException($"{Probes.Local(port, HealthPath)} does not answer 200; run './platform up' first");
        }
        foreach (var port in new[] { run.GatewayPort, run.MetricsPort, run.NginxPort, run.GatewayTlsPort, run.NginxTlsPort })
        {
            if (await Probes.PortInUseAsync(port))
                throw new PlatformException($"port {port} is taken; choose others with BENCH_GATEWAY_PORT, BENCH_METRICS_PORT, BENCH_NGINX_PORT, BENCH_GATEWAY_TLS_PORT, BENCH_NGINX_TLS_PORT");
        }
        // A CA and certificate of the bench's own, made as up makes the platform's, so rotating them
        // leaves the platform's alone; gateway-tls and nginx-tls serve the same one.
        if (run.Configs.Any(GatewayArguments.IsTls))
            await LocalCertificates.EnsureAsync(BenchCertificates);
    }

    private async Task RunConfigAsync(string config)
    {
        var proxy = Probes.Local(run.GatewayPort, "/");
        switch (config)
        {
            case GatewayArguments.Direct:
                var replica = new ProcessTable(Layout).RecordedPid(ProcessNames.Replica(1)) ?? 0;
                await MeasureAsync(config, Probes.Local(ReplicaPorts[0], "/"), replica);
                break;
            case GatewayArguments.GatewayOn or GatewayArguments.GatewayBaseline:
                await using (var gateway = await StartGatewayAsync(config, EveryFeatureOn()))
                {
                    if (!await HasRateLimitHeadersAsync())
                        throw new PlatformException($"{config} answers without RateLimit headers: the limiter is not running");
                    await MeasureAsync(config, proxy, gateway.Pid);
                }
                break;
            case GatewayArguments.GatewayTls:
                var settings = EveryFeatureOn();
                foreach (var (key, value) in GatewayService.Tls(_publish.GatewayApp, run.GatewayTlsPort, BenchCertificates))
                    settings[key] = value;
                await using (var gateway = await StartGatewayAsync(config, settings))
                {
                    if (!await HasRateLimitHeadersAsync())
                        throw new PlatformException($"{config} answers without RateLimit headers: the limiter is not running");
                    var rotation = run.RotateEvery > 0 ? new CertificateRotation(BenchCertificates, run.GatewayTlsPort, TimeSpan.FromSeconds(run.RotateEvery)) : null;
                    await MeasureTlsAsync(config, run.GatewayTlsPort, gateway.Pid, rotation);
                }
                break;
            case GatewayArguments.NginxTls:
                await using (var nginx = await StartNginxAsync(new NginxConfig.Tls(run.NginxTlsPort, BenchCertificates.ServerCertificate, BenchCertificates.ServerKey)))
                    await MeasureTlsAsync(config, run.NginxTlsPort, nginx.Pid, rotation: null);
                break;
            case GatewayArguments.GatewayOff:
                await using (var gateway = await StartGatewayAsync(config, new() { ["Metrics__Port"] = "0", ["RateLimiting__Enabled"] = "false" }))
                {
                    if (await HasRateLimitHeadersAsync())
                        throw new PlatformException("gateway-off answers with RateLimit headers: the limiter is still on");
                    await MeasureAsync(config, proxy, gateway.Pid);
                }
                break;
            case GatewayArguments.Nginx:
                await using (var nginx = await StartNginxAsync())
                    await MeasureAsync(config, Probes.Local(run.NginxPort, "/"), nginx.Pid);
                break;
            case var step when GatewayArguments.LadderStep(step) >= 0:
                await using (var gateway = await StartGatewayAsync(config, LadderSettings(GatewayArguments.LadderStep(step))))
                    await MeasureAsync(config, proxy, gateway.Pid);
                break;
            default:
                await using (var floor = await StartGatewayAsync(config, []))
                    await MeasureAsync(config, proxy, floor.Pid);
                break;
        }
    }

    // Every feature on as up runs the gateway (tracing at its default share, to the platform's viewer),
    // the limiter under limits nothing reaches.
    private Dictionary<string, string> EveryFeatureOn() => LadderSettings(GatewayArguments.Ladder.Count - 2, defaultRatio: true);

    /// <summary>
    /// The ladder's step <paramref name="step"/>: every feature up to it on, the rest off. Tracing exports to
    /// the platform's own trace viewer, as up's gateway does: at 1 % or 100 % by the step, or at the
    /// gateway's configured default (<paramref name="defaultRatio"/>).
    /// </summary>
    private Dictionary<string, string> LadderSettings(int step, bool defaultRatio = false)
    {
        bool On(string feature) => step >= GatewayArguments.LadderStep(feature);
        var settings = new Dictionary<string, string>
        {
            ["RateLimiting__Enabled"] = On("gateway+limiter") ? "true" : "false",
            ["RateLimiting__Policies__anonymous__PermitsPerSecond"] = "1000000", ["RateLimiting__Policies__anonymous__Burst"] = "10000000",
            ["RateLimiting__AnonymousCeiling__PermitsPerSecond"] = "1000000", ["RateLimiting__AnonymousCeiling__Burst"] = "10000000",
            ["Proxy__EnforceDeadlines"] = On("gateway+deadlines") ? "true" : "false",
            ["Proxy__Hedging__Enabled"] = On("gateway+hedging") ? "true" : "false",
            ["Proxy__Outliers__Enabled"] = On("gateway+outliers") ? "true" : "false",
            ["Metrics__Port"] = On("gateway+metrics") ? run.MetricsPort.ToString(CultureInfo.InvariantCulture) : "0",
        };
        if (On("gateway+tracing-1"))
        {
            foreach (var (key, value) in TraceViewerService.Exporter(platform.Platform.Ports.TraceViewerOtlp, TraceViewerKeys.Ensure(Layout.TraceViewerKeys).OtlpKey))
                settings[key] = value;
            if (!defaultRatio)
                settings["Tracing__SampleRatio"] = On("gateway+tracing-100") ? "1" : "0.01";
        }

        return settings;
    }

    // HTTPS with keep-alive (wrk: the main table's row, the certificate replaced meanwhile if asked), then
    // HTTP/2 and new handshakes, full and resumed.
    private async Task MeasureTlsAsync(string config, int port, int pid, CertificateRotation? rotation)
    {
        var target = new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{HealthPath}");
        await MeasureAsync(config, target, pid, rotation);
        string File(string what) => Path.Combine(run.Results, $"{config}-{what}-round{_round}.txt");
        await Info($"{config}: HTTP/2 {run.Duration}s, {run.Connections} connections of 10 streams (h2load)");
        var http2 = await TlsClients.H2Async(target, run.Threads, run.Connections, 10, run.Duration, pid, File("h2"));
        await Info($"{config}: full handshakes {run.Duration}s (openssl s_time -new)");
        var full = await TlsClients.HandshakesAsync(port, resumed: false, run.Duration, pid, File("handshakes-full"));
        await Info($"{config}: resumed handshakes {run.Duration}s (openssl s_time -reuse)");
        var resumed = await TlsClients.HandshakesAsync(port, resumed: true, run.Duration, pid, File("handshakes-resumed"));
        await Info(string.Create(CultureInfo.InvariantCulture,
            $"{config}: HTTP/2 {http2.PerSecond:F0} req/s ({http2.CpuUs:F1} µs CPU each, {http2.Failed} failed); handshakes {full.PerSecond:F0}/s full ({full.CpuUs:F0} µs), {resumed.PerSecond:F0}/s resumed ({resumed.CpuUs:F0} µs)"));
        if (!_tlsRounds.TryGetValue(config, out var rounds))
            _tlsRounds[config] = rounds = [];
        rounds.Add(new TlsTable.Round(http2, full, resumed));
    }

    // The published gateway (or the floor, or the baseline) on BENCH_GATEWAY_PORT with those settings.
    private Task<ProxyProcess> StartGatewayAsync(string name, Dictionary<string, string> settings)
    {
        var (app, dll) = name switch
        {
            GatewayArguments.YarpFloor => (_publish.FloorApp, "Platform.YarpFloor.dll"),
            GatewayArguments.GatewayBaseline => (_publish.BaselineApp, "Platform.Gateway.dll"),
            _ => (_publish.GatewayApp, "Platform.Gateway.dll"),
        };
        // Every .NET proxy runs with what up gives the gateway (Production, the thread pool's spinning off), the
        // floor and the baseline included: the comparison is of the code, not of runtime settings.
        var environment = new Dictionary<string, string>(HostDefaults.Production())
        {
            ["Identity__SigningKeyFile"] = Layout.IdentityKeyFile,
            // The platform's clients, so a create comes from the bench's load client: an anonymous one
            // may book only 730 days ahead, and create.lua's nights are in 2100.
            ["Identity__ClientsFile"] = Layout.ClientsFile,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{run.GatewayPort.ToString(CultureInfo.InvariantCulture)}",
        };
        for (var n = 0; n < ReplicaPorts.Count; n++)
            environment[$"ReverseProxy__Clusters__replicas__Destinations__replica-{n + 1}__Address"] = $"http://127.0.0.1:{ReplicaPorts[n].ToString(CultureInfo.InvariantCulture)}";
        foreach (var (key, value) in BenchClients.GatewaySettings)
            environment[key] = value;
        foreach (var (key, value) in settings)
            environment[key] = value;
        foreach (var setting in run.GatewayEnvironment)
            environment[setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
        if (run.Profile)
        {
            // The perf map names code compiled at run time; ReadyToRun off, so the framework's precompiled
            // code is compiled at run time too and named (tiered compilation and PGO still apply); W^X off,
            // or compiled code runs from an anonymous double mapping that perf cannot match to the map.
            environment["DOTNET_PerfMapEnabled"] = "1";
            environment["DOTNET_ReadyToRun"] = "0";
            environment["DOTNET_EnableWriteXorExecute"] = "0";
        }
        return ProxyProcess.StartAsync(name, Binaries.Dotnet(), [dll], environment, app, Path.Combine(run.Results, name + ".log"),
            Probes.Local(run.GatewayPort, HealthPath));
    }

    private async Task<ProxyProcess> StartNginxAsync(NginxConfig.Tls? tls = null)
    {
        var prefix = Path.Combine(Layout.State, "bench", "nginx");
        var log = Path.Combine(run.Results, "nginx.log");
        PrivateDirectory.Create(Path.Combine(prefix, "tmp"));
        PrivateDirectory.Create(Path.Combine(prefix, "logs"));
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, NginxConfig.Render(await File.ReadAllTextAsync(RepositoryRoot.Combine("tools", "Bench", "nginx-gateway.conf")), run.NginxPort, ReplicaPorts, tls));
        var (exit, checkOutput) = await CommandRunner.RunAsync(new ServiceCommand("nginx", ["-p", prefix + "/", "-c", config, "-t"]), TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(log, checkOutput);
        if (exit != 0)
            throw new PlatformException($"nginx rejects its configuration; see {log}");
        return await ProxyProcess.StartAsync("nginx", "nginx",
            ["-p", prefix + "/", "-c", config, "-g", $"daemon off; pid {prefix}/nginx.pid; error_log {prefix}/logs/error.log warn;"],
            new Dictionary<string, string>(), null, log, Probes.Local(run.NginxPort, HealthPath));
    }

    // The limiter's own header, to prove it runs (or does not).
    private async Task<bool> HasRateLimitHeadersAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var response = await http.GetAsync(Probes.Local(run.GatewayPort, HealthPath));
        return response.Headers.Contains("RateLimit-Policy");
    }

    // Warm-up, then the measured run; the proxy's CPU (PID and its children) is counted during the latter,
    // and the certificate rotated during it when a rotation is given.
    private async Task MeasureAsync(string name, Uri target, int pid, CertificateRotation? rotation = null)
    {
        if (run.Warmup > 0)
        {
            await Info($"{name}: warm-up {run.Warmup}s");
            await Wrk(target, run.Warmup, Path.Combine(run.Results, $"{name}-warmup{_round}.txt")).RunAsync();
        }
        await Info($"{name}: {run.Duration}s, {run.Connections} connections, {run.Threads} wrk thread(s), {run.Workload}");
        var measured = Wrk(target, run.Duration, Path.Combine(run.Results, $"{name}-round{_round}.txt"));
        var before = ProxyProcess.Ticks(pid);
        var allocations = Path.Combine(run.Results, $"{name}-round{_round}.allocations.csv");
        using var counting = run.Allocations && name is not (GatewayArguments.Direct or GatewayArguments.Nginx)
            ? Background(Counters, ["collect", "-p", Text(pid), "--counters", "System.Runtime", "--format", "csv", "-o", allocations,
                "--refresh-interval", "1", "--duration", $"00:00:{run.Duration:00}"], Path.Combine(run.Results, name + ".counters.log"))
            : null;
        var perfData = Path.Combine(run.Results, name + ".perf.data");
        using var recorder = run.Profile && name != GatewayArguments.Direct
            ? Background("perf", ["record", "-e", "cpu-clock", "-F", "999", "-g", "-p", string.Join(',', new[] { pid }.Concat(ProxyProcess.Children(pid)).Select(Text)),
                "-o", perfData, "--", "sleep", Text(run.Duration)], Path.Combine(run.Results, name + ".perf.log"))
            : null;
        using var rotating = new CancellationTokenSource();
        var rotations = rotation?.RunAsync(rotating.Token) ?? Task.CompletedTask;
        var line = await measured.RunAsync();
        await rotating.CancelAsync();
        await rotations;
        var ticks = ProxyProcess.Ticks(pid) - before;
        if (rotation is not null)
        {
            await Info($"{name}: certificate replaced during the run: {rotation.Summary}");
            await File.WriteAllTextAsync(Path.Combine(run.Results, $"{name}-round{_round}.rotation.txt"), rotation.Summary + "\n");
        }
        var shares = recorder is not null ? await FlameGraphAsync(name, recorder, perfData) : null;
        double? allocated = null;
        if (counting is not null)
        {
            await counting.WaitForExitAsync();
            if (counting.ExitCode != 0 || !File.Exists(allocations))
                throw new PlatformException($"dotnet-counters failed; see {Path.Combine(run.Results, name + ".counters.log")}");
            allocated = GatewaySample.AllocatedPerRequest(await File.ReadAllTextAsync(allocations), line.Number("requests"));
        }
        await Info($"{name}: {line.Text}");
        var cpuUs = PlatformCpu.MicrosecondsPerRequest(ticks, line.Number("requests"));
        Record(_rounds, name, GatewaySample.From(line, cpuUs, allocated));
        if (shares is not null)
            Record(_profiles, name, new ProfileTable.Run(cpuUs, shares));
        if (run.Rate > 0)
            await MeasureFixedRateAsync(name, target, pid);
    }

    // The same target at BENCH_RATE requests per second, the proxy's CPU counted over the run.
    private async Task MeasureFixedRateAsync(string name, Uri target, int pid)
    {
        await Info($"{name}: {run.Duration}s at {run.Rate} req/s, {run.Connections} connections (hey)");
        var hey = new HeyRun(new Uri(target, HealthPath), run.Connections, run.Rate, run.Duration)
        {
            OutputFile = Path.Combine(run.Results, $"{name}-rate{run.Rate}-round{_round}.txt"),
        };
        var before = ProxyProcess.Ticks(pid);
        var line = await hey.RunAsync();
        var ticks = ProxyProcess.Ticks(pid) - before;
        await Info($"{name} at {run.Rate} req/s: {line.Text}");
        Record(_fixedRounds, name, GatewaySample.From(line, PlatformCpu.MicrosecondsPerRequest(ticks, line.Number("requests")), allocated: null));
    }

    private static void Record<T>(Dictionary<string, List<T>> rounds, string name, T sample)
    {
        if (!rounds.TryGetValue(name, out var samples))
            rounds[name] = samples = [];
        samples.Add(sample);
    }

    private WrkRun Wrk(Uri target, int seconds, string outputFile)
    {
        var environment = new Dictionary<string, string>();
        IReadOnlyList<string> scriptArguments = [];
        string script;
        if (run.Workload == GatewayArguments.Create)
        {
            script = WrkRun.ScriptPath("create.lua");
            scriptArguments = [Text(_nextDay), Text(GatewayArguments.SpanDays)];
            _nextDay += GatewayArguments.SpanDays;
            // Through a gateway as the load client; straight to a replica a create needs the identity the
            // gateway would sign (through a proxy it is overwritten).
            environment["BENCH_API_KEY"] = platform.ApiKey(BenchClients.Load);
            environment["BENCH_IDENTITY"] = IdentityToken.TryReadKeyFile(Layout.IdentityKeyFile, out var key, out var problem)
                ? IdentityTokenCommand.Sign(key, "reservations:create", "POST", "/api/v1/reservations")
                : throw new PlatformException(problem);
        }
        else
        {
            script = WrkRun.ScriptPath("health.lua");
            environment["BENCH_PATH"] = HealthPath;
        }
        if (run.NewConnections)
            environment["BENCH_CLOSE"] = "1";
        return new WrkRun(script, target, run.Threads, run.Connections, seconds, scriptArguments, environment) { OutputFile = outputFile };
    }

    // The flame graph and breakdown of one profiled run; returns each part's share of its samples.
    private async Task<IReadOnlyDictionary<string, double>> FlameGraphAsync(string name, Process recorder, string perfData)
    {
        var log = Path.Combine(run.Results, name + ".perf.log");
        await recorder.WaitForExitAsync();
        if (recorder.ExitCode != 0)
            throw new PlatformException($"perf record failed; see {log}");
        var (exit, text) = await CommandRunner.RunAsync(new ServiceCommand("perf", ["script", "-i", perfData]), TimeSpan.FromMinutes(10));
        var svg = Path.Combine(run.Results, name + ".svg");
        var breakdown = Path.Combine(run.Results, name + "-breakdown.md");
        var parts = Path.Combine(run.Results, $"{name}-parts-round{_round}.tsv");
        var title = $"{name}: CPU of the proxy process, wrk -t{run.Threads} -c{run.Connections} -d{run.Duration}s, {run.Workload} ({DateTime.UtcNow:yyyy-MM-dd})";
        var python = new ProcessStartInfo("python3", [RepositoryRoot.Combine("tools", "Bench", "flamegraph.py"), "--svg", svg, "--table", breakdown, "--parts", parts, "--title", title])
        {
            UseShellExecute = false, RedirectStandardInput = true,
        };
        using var graph = Process.Start(python) ?? throw new PlatformException("could not start python3");
        await graph.StandardInput.WriteAsync(text);
        graph.StandardInput.Close();
        await graph.WaitForExitAsync();
        if (exit != 0 || graph.ExitCode != 0)
            throw new PlatformException($"no flame graph; see {log}");
        await Info($"{name}: flame graph {svg}, breakdown {breakdown}");
        return ProfileTable.ReadShares(await File.ReadAllTextAsync(parts));
    }

    // A helper process running beside the measured wrk (perf, dotnet-counters), its output in LOG.
    private static Process Background(string program, IReadOnlyList<string> arguments, string log)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new PlatformException($"could not start {program}");
        _ = Task.Run(async () => await File.WriteAllTextAsync(log, await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync()));
        return process;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private Task Info(string message) => progress.WriteLineAsync("==> " + message);
}
