using System.Globalization;
using Platform.Contracts.Http;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology.Files;
using Platform.Topology;

namespace Platform.Load.Scenarios;

/// <summary>
/// The back office beside the booking traffic (docs/load-scenarios.md): operators (the <c>admin</c>
/// client, one request a second each: searches, reports, free places) and, at a third of the run, one
/// export of every reservation, streamed and counted. Judged through the gateway against a read by
/// code in the same run (search p95 ≤ 1.5×, reports ≤ 3×), at the replicas from their own request
/// histograms (search p95 ≤ 8 ms, reports ≤ 50 ms; interpolated within the histogram's buckets, as
/// Prometheus would), and for the booking traffic: no failure, no create shed. The export: rows, rows
/// per second, and the replicas' resident memory, sampled every half second, never more than 50 MB
/// above where it stood when the export began. Without operators (<c>back-office-baseline</c>) the same
/// booking traffic alone, for the p99 the operators' run is compared with.
/// </summary>
public sealed class BackOfficeScenario(ScenarioPlan plan, bool operators) : Scenario(plan)
{
    public const double SearchTimesRead = 1.5, ReportTimesRead = 3, SearchReplicaMs = 8, ReportReplicaMs = 50, ExportGrowthMb = 50;

    private static readonly string[] BookingEndpoints = [Endpoints.Create, Endpoints.CreateOverlap, Endpoints.Read, Endpoints.Availability, Endpoints.ListByPhone];

    private List<(string Replica, MetricsEndpoint Endpoint, string? Before)> _replicas = [];
    private readonly Dictionary<string, string?> _after = [];
    private RssSampler? _rss;
    private (RequestRecord Record, long Rows, double StartMs)? _export;

    /// <summary>The operators' paths (their endpoints, pools and the pages they read) warmed too, not only the mix's.</summary>
    public override IReadOnlyList<UserGroup> WarmUpGroups =>
        operators ? [.. base.WarmUpGroups, new UserGroup(BenchClients.Admin, 50, Sends: RequestKind.Operator)] : base.WarmUpGroups;

    public override async Task ArrangeAsync(ScenarioRun run)
    {
        _replicas = [];
        foreach (var n in Enumerable.Range(1, run.Settings.Replicas))
        {
            var endpoint = run.Owns(new MetricsEndpoint(run.Settings.ReplicaMetrics(n)));
            _replicas.Add((ProcessNames.Replica(n), endpoint, await endpoint.ScrapeAsync()));
        }
        if (!operators)
            return;
        _rss = new RssSampler(run.Processes, run.Clock, [.. _replicas.Select(r => r.Replica)]);
        run.Beside(_rss.RunAsync(TimeSpan.FromMilliseconds(500), run.StopBeside));
        var admin = run.Clients[BenchClients.Admin];
        run.At(Plan.DurationMs / 3, async () =>
        {
            // Its own client: the export takes minutes, beyond the other requests' timeout.
            using var http = new HttpClient(ClientFactory.NewHandler(), disposeHandler: true) { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add(PlatformHeaders.ApiKey, admin.DefaultRequestHeaders.GetValues(PlatformHeaders.ApiKey));
            var start = run.Clock.ElapsedMs;
            _rss.SampleOnce();
            run.Note("export of every reservation started");
            var (record, rows) = await BackOfficeTraffic.ExportAsync(http, BenchClients.Admin, run.Clock);
            _rss.SampleOnce();
            _export = (record, rows, start);
            run.Note(string.Create(CultureInfo.InvariantCulture, $"export ended: {record.Status}, {rows} rows in {record.LatencyMs / 1000:0.0} s"));
        });
    }

    public override async Task FinishAsync(ScenarioRun run)
    {
        foreach (var (replica, endpoint, _) in _replicas)
            _after[replica] = await endpoint.ScrapeAsync();
    }

    // The export is judged on its own; it is not one of the operators' requests.
    public override bool Counts(RequestRecord record) => record.Endpoint != Endpoints.Export;

    public override void Judge(RunResult result, Report report)
    {
        var bookings = result.Records.Where(r => BookingEndpoints.Contains(r.Endpoint)).ToList();
        var (_, _, bookingP99) = Percentiles.Of(bookings.Select(r => r.LatencyMs));
        report.Verdicts.Add(new Verdict("Booking traffic", bookings.Count > 0 && bookings.All(r => !r.Failed), string.Create(CultureInfo.InvariantCulture,
            $"{bookings.Count} requests, {bookings.Count(r => r.Failed)} failed ({FaultVerdicts.Statuses(bookings.Where(r => r.Failed))}); creates answered 503: {bookings.Count(r => r.Endpoint == Endpoints.Create && r.Status == 503)}; p99 {bookingP99:0.0} ms (compare with back-office-baseline)")));
        if (!operators)
            return;

        var read = P95(result, Endpoints.Read);
        var search = P95(result, Endpoints.Search);
        var reports = P95(result, Endpoints.Report);
        var operatorRecords = result.Records.Where(r => r.Endpoint is Endpoints.Search or Endpoints.Report or Endpoints.FreePlaces).ToList();
        report.Verdicts.Add(new Verdict("Operators answered", operatorRecords.Count > 0 && operatorRecords.All(r => !r.Failed), string.Create(CultureInfo.InvariantCulture,
            $"{operatorRecords.Count} requests, {operatorRecords.Count(r => r.Failed)} failed ({FaultVerdicts.Statuses(operatorRecords.Where(r => r.Failed))})")));
        report.Verdicts.Add(new Verdict($"Search p95 ≤ {SearchTimesRead}× a read by code's, through the gateway", search <= SearchTimesRead * read,
            string.Create(CultureInfo.InvariantCulture, $"search p95 {search:0.00} ms, read by code p95 {read:0.00} ms: {search / read:0.00}×")));
        report.Verdicts.Add(new Verdict($"Reports p95 ≤ {ReportTimesRead}× a read by code's, through the gateway", reports <= ReportTimesRead * read,
            string.Create(CultureInfo.InvariantCulture, $"reports p95 {reports:0.00} ms, read by code p95 {read:0.00} ms: {reports / read:0.00}×")));

        var searchAtReplica = ReplicaP95("/api/v1/admin/reservations");
        var reportsAtReplica = ReplicaP95("/api/v1/admin/reports/occupancy", "/api/v1/admin/reports/totals");
        var freeAtReplica = ReplicaP95("/api/v1/admin/availability");
        report.Verdicts.Add(new Verdict($"Search p95 ≤ {SearchReplicaMs} ms at the replicas", searchAtReplica <= SearchReplicaMs,
            string.Create(CultureInfo.InvariantCulture, $"{searchAtReplica:0.00} ms (free places {freeAtReplica:0.00} ms), from the replicas' request histograms over the run")));
        report.Verdicts.Add(new Verdict($"Reports p95 ≤ {ReportReplicaMs} ms at the replicas", reportsAtReplica <= ReportReplicaMs,
            string.Create(CultureInfo.InvariantCulture, $"{reportsAtReplica:0.00} ms, from the replicas' request histograms over the run")));

        var rss = Arranged(_rss);
        if (_export is not { } export)
        {
            report.Verdicts.Add(new Verdict("Export", false, "the export did not run"));
            return;
        }
        var during = rss.Samples.Where(s => s.AtMs >= export.StartMs && s.AtMs <= export.StartMs + export.Record.LatencyMs + 1000).ToList();
        var growth = during.GroupBy(s => s.Process)
            .Select(g => (Process: g.Key, Mb: (g.Max(s => s.RssKib) - g.OrderBy(s => s.AtMs).First().RssKib) / 1024.0))
            .OrderByDescending(g => g.Mb).FirstOrDefault();
        var seconds = export.Record.LatencyMs / 1000;
        report.Verdicts.Add(new Verdict($"Export of every reservation, replica memory growth < {ExportGrowthMb} MB", !export.Record.Failed && growth.Mb < ExportGrowthMb,
            string.Create(CultureInfo.InvariantCulture,
                $"{export.Record.Status}: {export.Rows} rows in {seconds:0.0} s, {export.Rows / Math.Max(seconds, 0.001):0} rows/s; most growth {growth.Mb:0.0} MB ({growth.Process}, resident memory sampled every 0.5 s)")));
    }

    private static double P95(RunResult result, string endpoint) =>
        Percentiles.Of(result.Records.Where(r => r.Endpoint == endpoint && !r.Failed).Select(r => r.LatencyMs)).P95;

    /// <summary>p95 in ms of the routes' requests over the run, summed over the replicas, from the histogram's bucket counts.</summary>
    private double ReplicaP95(params string[] routes)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (replica, _, before) in _replicas)
        {
            if (before is null || _after.GetValueOrDefault(replica) is not { } after)
                continue;
            var started = Buckets(before, routes);
            foreach (var (le, count) in Buckets(after, routes))
                buckets[le] = buckets.GetValueOrDefault(le) + count - started.GetValueOrDefault(le);
        }
        return HistogramQuantile(buckets, 0.95) * 1000;
    }

    private static Dictionary<double, double> Buckets(string text, string[] routes)
    {
        var counts = new Dictionary<double, double>();
        foreach (var (labels, value) in MetricsEndpoint.Series(text, "http_request_duration_seconds_bucket"))
        {
            if (!routes.Contains(MetricsEndpoint.Label(labels, "endpoint")) || MetricsEndpoint.Label(labels, "le") is not { } le)
                continue;
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            counts[bound] = counts.GetValueOrDefault(bound) + value;
        }
        return counts;
    }

    /// <summary>As Prometheus's histogram_quantile: the bucket the rank falls in, linearly within it.</summary>
    public static double HistogramQuantile(SortedDictionary<double, double> cumulative, double quantile)
    {
        if (cumulative.Count == 0 || cumulative.Last().Value <= 0)
            return double.NaN;
        var rank = quantile * cumulative.Last().Value;
        var (lower, below) = (0.0, 0.0);
        foreach (var (bound, count) in cumulative)
        {
            if (count >= rank)
                return double.IsPositiveInfinity(bound) ? lower : lower + (bound - lower) * (rank - below) / Math.Max(count - below, 1e-9);
            (lower, below) = (bound, count);
        }
        return lower;
    }
}
