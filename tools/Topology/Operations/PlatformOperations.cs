using System.Globalization;
using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Topology.Operations;

/// <summary>
/// What <c>./platform up</c>, <c>down</c> and <c>scale</c> do, for the CLI and for anything else that must
/// bring the platform back (the load scenarios restart what a fault stopped by calling <see cref="UpAsync"/>).
/// </summary>
public sealed class PlatformOperations(PlatformSettings settings, Narrator narrator)
{
    private static readonly TimeSpan GatewayReloadTimeout = TimeSpan.FromSeconds(30);

    public PlatformSettings Settings => settings;

    /// <summary>Starts whatever of the platform is not running: each of <see cref="PlatformResources.All"/> in turn.</summary>
    public async Task UpAsync()
    {
        settings.RequireDistinctPorts();
        // Made by an earlier version, the state directory and those in it were 0755: any local user could
        // reach the database's socket and read the logs.
        PrivateDirectory.Tighten(settings.Layout.State);
        PrivateDirectory.Create(settings.Layout.Pids);
        PrivateDirectory.Create(settings.Layout.Logs);

        var context = new ResourceContext(settings, narrator);
        var runner = new ResourceRunner(context);
        foreach (var resource in PlatformResources.All(context))
        {
            await runner.StartAsync(resource);
        }

        // And what was made during this run by programs that choose their own modes (dotnet publish's
        // output, Redis's append-only directory, Prometheus's blocks): the state directory's 0700 already
        // keeps other users out of them; this keeps the rule simple to check: every directory is 0700.
        PrivateDirectory.Tighten(settings.Layout.State);
        PrintSummary(context.Ports, context.TraceViewerKeys());
    }

    /// <summary>
    /// Stops everything, in the reverse of the order up starts it: monitoring first, so stopping the rest
    /// raises no alert; then the gateway, so no request goes to a replica that is stopping.
    /// </summary>
    public async Task DownAsync()
    {
        var context = new ResourceContext(settings, narrator);
        var runner = new ResourceRunner(context);
        foreach (var resource in PlatformResources.All(context).Reverse())
        {
            await runner.StopAsync(resource);
        }

        narrator.Info("platform is down");
    }

    /// <summary>
    /// Starts or stops replicas until 1..<paramref name="target"/> run. New replicas join the gateway and
    /// Prometheus only once ready. Removed ones leave the gateway first; once it has dropped them (and
    /// in-flight requests have had a moment to arrive) they get SIGTERM and finish what they are serving.
    /// </summary>
    public async Task<(int Started, int Stopped)> ScaleAsync(int target)
    {
        var context = new ResourceContext(settings, narrator);
        var table = context.Table;
        var resources = PlatformResources.All(context);
        var replicas = resources.OfType<ApiReplicaResource>().Single();
        // What the replicas wait for, and what routes to them.
        var required = resources.Where(r => replicas.WaitsFor.Contains(r.Name) || r.WaitsFor.Contains(replicas.Name)).ToList();
        foreach (var resource in required)
        {
            // A database cluster serves while any of its nodes does: the replicas move to the next one.
            if (resource.Instances.All(server => table.RunningPid(server.Name) is null))
            {
                throw new PlatformException($"{resource.Instances[0].Name} is not running ({Listing(required.Select(r => r.Instances[0].Title))} must be): run './platform up' first");
            }
        }

        var starting = Enumerable.Range(1, target).Where(n => table.RunningPid(ProcessNames.Replica(n)) is null).ToList();
        var stopping = table.ReplicaNumbers().Where(n => n > target && table.RunningPid(ProcessNames.Replica(n)) is not null).ToList();
        var runner = new ResourceRunner(context);
        if (starting.Count > 0)
        {
            settings.WithReplicas(target).RequireDistinctPorts();
            await runner.StartAsync(new ApiReplicaResource(context, starting));
        }

        ReplicaSetFiles.Publish(settings.Layout, context.Ports, target);
        var log = settings.Layout.Display(settings.Layout.Log(ProcessNames.Gateway));
        foreach (var n in starting)
        {
            if (!await WaitForGatewayAsync(ProcessNames.Replica(n), routed: true))
            {
                throw new PlatformException($"the gateway did not pick up {ProcessNames.Replica(n)} within {GatewayReloadTimeout.TotalSeconds:0}s; see {log}");
            }
        }

        foreach (var n in stopping)
        {
            if (!await WaitForGatewayAsync(ProcessNames.Replica(n), routed: false))
            {
                throw new PlatformException($"the gateway still routes to {ProcessNames.Replica(n)} after {GatewayReloadTimeout.TotalSeconds:0}s; it is left running; see {log}");
            }
        }

        if (stopping.Count > 0)
        {
            // A request the gateway sent just before it reloaded may still be on the wire; each replica also
            // keeps serving through its own drain delay (Shutdown:DrainDelay) before it stops.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var removed = new ApiReplicaResource(context, stopping);
            await runner.StopAsync(removed, removed.Instances);
        }

        narrator.Info($"{target} replica(s) running and routed to (started {starting.Count}, stopped {stopping.Count})");
        return (starting.Count, stopping.Count);
    }

    /// <summary>The 'platform' user's password, as <c>up</c> sets it (PLATFORM_DB_PASSWORD wins and is stored).</summary>
    public string DatabasePassword() => new ResourceContext(settings, Narrator.Silent).DatabasePassword();

    // "MariaDB, Redis and the gateway".
    private static string Listing(IEnumerable<string> titles)
    {
        var all = titles.ToList();
        return all.Count < 2 ? string.Concat(all) : string.Join(", ", all.SkipLast(1)) + " and " + all[^1];
    }

    // The gateway's /metrics lists a destination exactly while it is in its configuration and may be routed to.
    private async Task<bool> WaitForGatewayAsync(string destination, bool routed)
    {
        var metrics = Probes.Local(settings.Ports.GatewayMetrics, "/metrics");
        var line = $"gateway_upstream_healthy{{cluster=\"{Services.GatewayService.Cluster}\",destination=\"{destination}\"}}";
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (stopwatch.Elapsed < GatewayReloadTimeout)
        {
            // A gateway that does not answer routes to nothing.
            var text = await Probes.HttpTextAsync(metrics);
            if ((text?.Contains(line, StringComparison.Ordinal) ?? false) == routed)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return false;
    }

    // The ports as they are: a server that already ran keeps the one it was started on.
    private void PrintSummary(PlatformPorts ports, TraceViewerKeys keys)
    {
        var layout = settings.Layout;
        var o = narrator.Output;
        o.WriteLine();
        o.WriteLine("Platform is up.");
        o.WriteLine($"  gateway http://127.0.0.1:{ports.Gateway}   metrics http://127.0.0.1:{ports.GatewayMetrics}/metrics   (clients call this)");
        o.WriteLine($"          https://127.0.0.1:{ports.GatewayTls}  (HTTP/1.1 and HTTP/2; trust {layout.Display(layout.Tls.CaCertificate)}: curl --cacert)");
        for (var n = 1; n <= settings.Replicas; n++)
        {
            o.WriteLine($"  api-{n.ToString(CultureInfo.InvariantCulture),-3} http://127.0.0.1:{ports.Api(n)}   metrics http://127.0.0.1:{ports.Metrics(n)}/metrics");
        }

        var nodes = Enumerable.Range(1, settings.DatabaseNodes).Select(node => $"{GaleraTopology.Address(node)}:{ports.Database}");
        o.WriteLine($"  mariadb {string.Join(',', nodes)}  {(settings.DatabaseCluster ? "(Galera cluster; writes go to the first node that answers)  " : "")}database platform, user platform, password in {layout.Display(layout.PasswordFile)}");
        o.WriteLine($"  redis   127.0.0.1:{ports.Redis}");
        o.WriteLine($"  prometheus http://127.0.0.1:{ports.Prometheus}  (alerts: /alerts)   alertmanager http://127.0.0.1:{ports.Alertmanager}");
        // The browser token is shown here and nowhere else (the viewer's log leaves it out); up again shows it again.
        o.WriteLine($"  traces  {TraceViewerService.LoginUrl(ports.TraceViewer, keys.BrowserToken)}  (open it to log in; OTLP :{ports.TraceViewerOtlp}, keys in {layout.Display(layout.TraceViewerKeys)}/)");
        o.WriteLine($"  exporters host :{ports.NodeExporter}  mariadb :{ports.MysqldExporter} (user exporter)  redis :{ports.RedisExporter}");
        o.WriteLine($"  logs    {layout.Display(layout.Logs)}/");
        o.WriteLine("Stop everything with './platform down'; check with './platform status'.");
    }
}
