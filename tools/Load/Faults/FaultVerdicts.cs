using System.Globalization;
using Platform.Contracts.Problems;
using Platform.Load.Reporting;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Faults;

/// <summary>The verdicts of the fault scenarios, computed from the run's requests (seconds by scheduled send).</summary>
public static class FaultVerdicts
{
    public const double PoolTimeoutMs = 2_000;
    public const double PoolMarginMs = 1_000;

    /// <summary>How long after a disturbance starts its onset lasts: connections, pools and threads ramp up.</summary>
    public const double OnsetMs = 5_000;

    /// <summary>No calm request may take longer than this at any time during the disturbance, onset included.</summary>
    public const double CalmCeilingMs = 1_000;

    /// <summary>
    /// Rebalanced: the first 5 consecutive seconds after the kill with answers, no failures, and none
    /// from the killed replica. And no failure but the one the gateway may not hide: a create without an
    /// Idempotency-Key in flight on the killed replica is answered 502 <c>upstream-error</c> (the replica
    /// may have acted on it, so it is not repeated); every other request is retried or hedged.
    /// </summary>
    public static Verdict KillReplica(IReadOnlyCollection<RequestRecord> records, double killMs, string replica, double durationMs)
    {
        var timeline = PerSecond(records, durationMs);
        var failures = records.Where(r => r.Failed).ToList();
        var failuresAfter = failures.Count(r => r.ScheduledMs >= killMs - 1000);
        var first = FirstQuietRun(timeline, (int)(killMs / 1000), 5, s => s.Failures == 0 && !s.Replicas.Contains(replica));
        var wrong = failures.Where(r => !(r.Status == 502 && r.ProblemType == ProblemTypes.UpstreamError
            && r.Endpoint is Endpoints.Create or Endpoints.CreateOverlap
            && r.ScheduledMs >= killMs - SlowFaultVerdicts.CeilingMs)).ToList();
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"killed {replica} at {killMs / 1000:0.0} s; {failures.Count} client-visible failures ({failuresAfter} from 1 s before the kill on: {Statuses(failures)}), {wrong.Count} other than an unkeyed create's 502 upstream-error in flight at the kill ({Statuses(wrong)}); ");
        return first is { } s
            ? new Verdict("Fault: kill a replica", wrong.Count == 0, detail + string.Create(CultureInfo.InvariantCulture,
                $"traffic rebalanced {Math.Max(0, s * 1000 - killMs) / 1000:0.0} s after the kill (from second {s}: 5 s with no failures, answered only by the remaining replicas)"))
            : new Verdict("Fault: kill a replica", false, detail + "traffic was not rebalanced before the run ended");
    }

    /// <summary>
    /// Failures only 503 with Retry-After, each answered within <see cref="SlowFaultVerdicts.CeilingMs"/>
    /// (fast: nobody waits out the outage); recovery: restart to the first 10 s without failures.
    /// </summary>
    public static Verdict StopMariaDb(IReadOnlyCollection<RequestRecord> records, double termMs, double restartMs, double durationMs) =>
        DatabaseOutage("Fault: stop MariaDB", "SIGTERM", records, termMs, restartMs, durationMs);

    /// <summary>
    /// As <see cref="StopMariaDb"/>, for MariaDB killed with its data directory lost, then restored from the
    /// backup and the binary log: the outage lasts the restore, and the same holds during and after it.
    /// </summary>
    public static Verdict LoseMariaDbData(IReadOnlyCollection<RequestRecord> records, double killMs, double restartMs, double durationMs) =>
        DatabaseOutage("Fault: lose MariaDB's data directory", "SIGKILL and data directory gone", records, killMs, restartMs, durationMs);

    private static Verdict DatabaseOutage(string name, string fault, IReadOnlyCollection<RequestRecord> records, double termMs, double restartMs, double durationMs)
    {
        var failures = records.Where(r => r.Failed).ToList();
        static bool Proper(RequestRecord r) => r.Status == 503 && r.RetryAfter && r.LatencyMs <= SlowFaultVerdicts.CeilingMs;
        var proper = failures.Where(Proper).ToList();
        var wrong = failures.Count - proper.Count;
        var (_, _, p99) = Percentiles.Of(proper.Select(r => r.LatencyMs));
        var timeline = PerSecond(records, durationMs);
        var recovered = FirstQuietRun(timeline, (int)(restartMs / 1000), 10, s => s.Failures == 0);
        var recovery = recovered is { } s ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, s * 1000 - restartMs) / 1000:0.0} s") : "not within the run";
        return new Verdict(name, wrong == 0 && recovered is not null, string.Create(CultureInfo.InvariantCulture,
            $"{fault} at {termMs / 1000:0.0} s, restart at {restartMs / 1000:0.0} s; {proper.Count} failures were 503 with Retry-After within {EndpointTable.Ms(SlowFaultVerdicts.CeilingMs)} (p99 latency {EndpointTable.Ms(p99)}), {wrong} were not ({Statuses(failures.Where(r => !Proper(r)))}); recovery (restart to the first 10 s without failures): {recovery}"));
    }

    /// <summary>
    /// No failures; the outbox backlog grew while Redis was down (the fault held events back) and was
    /// empty again before the run ended. That no event was lost is judged by the audit.
    /// </summary>
    public static Verdict StopRedis(IReadOnlyCollection<RequestRecord> records, double termMs, double restartMs, IReadOnlyList<BacklogSample> backlog)
    {
        var failures = records.Where(r => r.Failed).ToList();
        var peak = backlog.Where(s => s.AtMs >= termMs).Select(s => s.Backlog).DefaultIfEmpty(0).Max();
        var drained = backlog.FirstOrDefault(s => s.AtMs >= restartMs && s.Backlog == 0);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"SIGTERM at {termMs / 1000:0.0} s, restart at {restartMs / 1000:0.0} s; {failures.Count} failures ({Statuses(failures)}); outbox backlog peaked at {peak} events while Redis was down, ");
        detail += drained is null
            ? "and was not empty again before the run ended"
            : string.Create(CultureInfo.InvariantCulture, $"empty again {(drained.AtMs - restartMs) / 1000:0.0} s after the restart; that every event reached the stream is judged by the audit below");
        if (peak == 0)
            detail += " (no backlog: the outage held nothing back, so it proved nothing)";
        return new Verdict("Fault: stop Redis", failures.Count == 0 && peak > 0 && drained is not null, detail);
    }

    /// <summary>
    /// The overload really reached the limit: a replica's pool ran out (every connection in use, or
    /// requests waiting for one), or its writers' share was full and it shed creates at once
    /// (503 temporary-reduced-capacity), which is how the bulkhead keeps creates from ever taking the
    /// whole pool. No 500s; 503s no slower than the pool timeout plus the margin; everything else 201 or 409.
    /// </summary>
    public static Verdict PoolExhaustion(IReadOnlyCollection<RequestRecord> records, IReadOnlyCollection<PoolSample> pools)
    {
        var slow503 = records.Count(r => r.Status == 503 && r.LatencyMs > PoolTimeoutMs + PoolMarginMs);
        var other = records.Count(r => r.Status is not (201 or 409 or 503));
        var max503 = records.Where(r => r.Status == 503).Select(r => r.LatencyMs).DefaultIfEmpty(double.NaN).Max();
        var byStatus = string.Join(", ", records.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        var exhausted = pools.Any(s => s.Exhausted);
        var shed = records.Count(r => r is { Status: 503, ProblemType: ProblemTypes.TemporaryReducedCapacity });
        var perReplica = pools.GroupBy(s => s.Replica).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Key} {Peak(g.Select(s => s.Used))}/{Peak(g.Select(s => s.Max))} used, {Peak(g.Select(s => s.Pending))} waiting, {Peak(g.Select(s => s.Timeouts)) - (g.First().Timeouts ?? 0):0} timeouts"));
        var pool = pools.Count == 0 ? "no pool samples" : "peaks " + string.Join("; ", perReplica);
        var reached = exhausted ? "pool exhausted" : shed > 0 ? "writers' share full" : "pool never exhausted and writers' share never full, so the run proved nothing";
        return new Verdict("Fault: pool exhaustion", (exhausted || shed > 0) && slow503 == 0 && other == 0, string.Create(CultureInfo.InvariantCulture,
            $"{reached} ({pool}), {shed} creates shed at once by the writers' share; answers {byStatus}; {other} neither 201, 409 nor 503; {slow503} 503s slower than {PoolTimeoutMs:0} ms pool timeout + {PoolMarginMs:0} ms margin (slowest 503: {EndpointTable.Ms(max503)})"));
    }

    private static double Peak(IEnumerable<double?> values) => values.Select(v => v ?? 0).DefaultIfEmpty(0).Max();

    /// <summary>
    /// The calm clients hold: none of their requests fails; once the onset is over, their p99 is within
    /// 2× their p99 before the disturbance; and none of them, onset included, takes over
    /// <see cref="CalmCeilingMs"/>. The onset's own p99 is reported beside.
    /// </summary>
    public static Verdict CalmHolds(string name, IReadOnlyCollection<RequestRecord> calm, double fromMs, double toMs)
    {
        IEnumerable<double> Between(double from, double to) => calm.Where(r => r.ScheduledMs >= from && r.ScheduledMs < to).Select(r => r.LatencyMs);
        var before = Percentiles.Of(Between(0, fromMs));
        var onset = Percentiles.Of(Between(fromMs, fromMs + OnsetMs)).P99;
        var steady = Percentiles.Of(Between(fromMs + OnsetMs, toMs));
        var slowest = Between(fromMs, toMs).DefaultIfEmpty(double.NaN).Max();
        var failures = calm.Count(r => r.Failed);
        var passed = failures == 0 && !double.IsNaN(before.P99) && steady.P99 <= 2 * before.P99 && slowest <= CalmCeilingMs;
        return new Verdict(name, passed, string.Create(CultureInfo.InvariantCulture,
            $"calm clients' p99 {EndpointTable.Ms(before.P99)} before, {EndpointTable.Ms(steady.P99)} during after its first {OnsetMs / 1000:0} s (limit 2× before: {EndpointTable.Ms(2 * before.P99)}); p50 {EndpointTable.Ms(before.P50)} before, {EndpointTable.Ms(steady.P50)} during; onset p99 {EndpointTable.Ms(onset)}, slowest calm request during {EndpointTable.Ms(slowest)} (limit {EndpointTable.Ms(CalmCeilingMs)}); {failures} calm failures"));
    }

    public static string Statuses(IEnumerable<RequestRecord> records)
    {
        var groups = records.GroupBy(r => $"{r.Status} {r.ProblemType}".Trim()).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        return groups.Count == 0 ? "none" : string.Join(", ", groups);
    }

    private sealed record Second(int Index, int Requests, int Failures, HashSet<string> Replicas);

    private static List<Second> PerSecond(IReadOnlyCollection<RequestRecord> records, double durationMs)
    {
        var count = Math.Max(1, (int)Math.Ceiling(durationMs / 1000));
        var seconds = Enumerable.Range(0, count).Select(i => new Second(i, 0, 0, new HashSet<string>(StringComparer.Ordinal))).ToArray();
        foreach (var r in records)
        {
            var i = Math.Clamp((int)(r.ScheduledMs / 1000), 0, count - 1);
            seconds[i] = seconds[i] with { Requests = seconds[i].Requests + 1, Failures = seconds[i].Failures + (r.Failed ? 1 : 0) };
            if (r.Replica is not null)
                seconds[i].Replicas.Add(r.Replica);
        }

        return [.. seconds];
    }

    /// <summary>The first second at or after <paramref name="from"/> starting <paramref name="length"/> seconds with traffic that all pass.</summary>
    private static int? FirstQuietRun(List<Second> timeline, int from, int length, Func<Second, bool> quiet)
    {
        for (var start = Math.Max(0, from); start + length <= timeline.Count; start++)
        {
            if (timeline.Skip(start).Take(length).All(s => s.Requests > 0 && quiet(s)))
                return start;
        }

        return null;
    }
}
