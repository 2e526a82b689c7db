using System.Globalization;
using Platform.Load.Reporting;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Faults;

/// <summary>
/// The verdicts of the slow faults (a frozen replica, a replica stopped most of the time, a database under
/// a global read lock), computed from the run's requests: no request waits past <see cref="CeilingMs"/>,
/// whatever is frozen, slow or locked behind it (docs/deadlines.md).
/// </summary>
public static class SlowFaultVerdicts
{
    /// <summary>The gateway's 3 s deadline plus a margin for the gateway and the generator themselves.</summary>
    public const double CeilingMs = 3_500;

    /// <summary>Creates sent after the database's lock is released must succeed within this.</summary>
    public const double RecoveryMs = 2_000;

    /// <summary>A slow replica may at most double the p99 clients see.</summary>
    public const double SlowdownLimit = 2;

    /// <summary>What a create may be answered when it cannot be served safely: 409 (taken), 503 (shed), 504 (deadline).</summary>
    public static readonly IReadOnlySet<int> CreateAnswers = new HashSet<int> { 201, 409, 503, 504 };

    /// <summary>GETs and keyed creates (both safe to re-send) never fail; creates without a key answer only <see cref="CreateAnswers"/>.</summary>
    public static IReadOnlyList<Verdict> FreezeReplica(IReadOnlyCollection<RequestRecord> records) =>
    [
        Answered("Fault: freeze a replica, GETs", Of(records, Endpoints.Health), null),
        Answered("Fault: freeze a replica, creates with Idempotency-Key", Of(records, Endpoints.KeyedCreate), null),
        Answered("Fault: freeze a replica, creates without a key", Of(records, Endpoints.Create), CreateAnswers),
    ];

    /// <summary>The GETs beside a slow replica never fail and none waits past <see cref="CeilingMs"/>.</summary>
    public static Verdict SlowReplicaGets(IReadOnlyCollection<RequestRecord> records) =>
        Answered("Fault: slow replica, GETs", Of(records, Endpoints.Health), null);

    /// <summary>Creates answer only <see cref="CreateAnswers"/>; reads never fail; creates sent after the unlock succeed within <see cref="RecoveryMs"/>.</summary>
    public static IReadOnlyList<Verdict> StallDatabase(IReadOnlyCollection<RequestRecord> records, double unlockedMs) =>
    [
        Answered("Fault: stall the database, creates", Of(records, Endpoints.Create), CreateAnswers),
        Answered("Fault: stall the database, reads", Of(records, Endpoints.Read, Endpoints.Availability), null),
        CreatesRecover(records, unlockedMs),
    ];

    /// <summary>
    /// Every request answered as allowed (<paramref name="allowed"/> null: as the request expected, no
    /// failure), and none slower than <see cref="CeilingMs"/>. An empty set proves nothing and fails.
    /// </summary>
    public static Verdict Answered(string name, IReadOnlyCollection<RequestRecord> records, IReadOnlySet<int>? allowed)
    {
        var wrong = records.Where(r => allowed is null ? r.Failed : !allowed.Contains(r.Status)).ToList();
        var over = records.Count(r => r.LatencyMs > CeilingMs);
        var p99 = Percentiles.Of(records.Select(r => r.LatencyMs)).P99;
        var max = records.Select(r => r.LatencyMs).DefaultIfEmpty(double.NaN).Max();
        var rule = allowed is null ? "failures" : $"answers other than {string.Join(", ", allowed.Order())}";
        return new Verdict(name, records.Count > 0 && wrong.Count == 0 && over == 0, string.Create(CultureInfo.InvariantCulture,
            $"{records.Count} requests, answered {FaultVerdicts.Statuses(records)}; {wrong.Count} {rule} ({FaultVerdicts.Statuses(wrong)}); p99 {EndpointTable.Ms(p99)}, max {EndpointTable.Ms(max)}, {over} over the {EndpointTable.Ms(CeilingMs)} ceiling"));
    }

    /// <summary>
    /// GETs' p99 while the replica is slow (<paramref name="faultMs"/> for <paramref name="holdMs"/>) is
    /// within <see cref="SlowdownLimit"/> times their p99 in the equal window just before it, and none fails.
    /// </summary>
    public static Verdict SlowReplica(IReadOnlyCollection<RequestRecord> records, double faultMs, double holdMs)
    {
        var gets = Of(records, Endpoints.Health);
        List<RequestRecord> Between(double from, double to) => gets.Where(r => r.ScheduledMs >= from && r.ScheduledMs < to).ToList();
        var before = Between(faultMs - holdMs, faultMs);
        var during = Between(faultMs, faultMs + holdMs);
        var p99Before = Percentiles.Of(before.Select(r => r.LatencyMs)).P99;
        var p99During = Percentiles.Of(during.Select(r => r.LatencyMs)).P99;
        var ratio = p99During / p99Before;
        var failed = gets.Where(r => r.Failed).ToList();
        var passed = !double.IsNaN(ratio) && ratio <= SlowdownLimit && failed.Count == 0;
        return new Verdict("Fault: slow replica, GET p99", passed, string.Create(CultureInfo.InvariantCulture,
            $"GET p99 {EndpointTable.Ms(p99Before)} over the {holdMs / 1000:0} s before the fault ({before.Count} requests), {EndpointTable.Ms(p99During)} during it ({during.Count} requests): {ratio:0.00}× (limit {SlowdownLimit:0}×); max during {EndpointTable.Ms(during.Select(r => r.LatencyMs).DefaultIfEmpty(double.NaN).Max())}; {failed.Count} failures ({FaultVerdicts.Statuses(failed)})"));
    }

    /// <summary>The first create sent at or after the unlock that was answered 201 completed within <see cref="RecoveryMs"/> of it.</summary>
    public static Verdict CreatesRecover(IReadOnlyCollection<RequestRecord> records, double unlockedMs)
    {
        var first = Of(records, Endpoints.Create).Where(r => r.Status == 201 && r.ScheduledMs >= unlockedMs).MinBy(r => r.CompletedMs);
        var after = first is null ? double.NaN : first.CompletedMs - unlockedMs;
        return new Verdict("Fault: stall the database, creates recover", after <= RecoveryMs, first is null
            ? string.Create(CultureInfo.InvariantCulture, $"no create sent after the unlock at {unlockedMs / 1000:0.0} s was answered 201")
            : string.Create(CultureInfo.InvariantCulture,
                $"time to the first 201 after the unlock at {unlockedMs / 1000:0.0} s: {EndpointTable.Ms(after)} (a create sent {EndpointTable.Ms(first.ScheduledMs - unlockedMs)} after it; limit {EndpointTable.Ms(RecoveryMs)})"));
    }

    private static List<RequestRecord> Of(IReadOnlyCollection<RequestRecord> records, params string[] endpoints) =>
        records.Where(r => endpoints.Contains(r.Endpoint)).ToList();
}
