using System.Globalization;
using Platform.Load.Reporting;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Faults;

/// <summary>What must hold when the database node taking writes is killed (<c>fault-kill-database-node</c>).</summary>
public static class ClusterVerdicts
{
    /// <summary>The longest creates may go unanswered by a 201 after the kill.</summary>
    public const double CreatesAgainWithinMs = 10_000;

    /// <summary>The longest reads may fail in a row: the gateway's deadline.</summary>
    public const double ReadsFailForAtMostMs = 3_000;

    /// <summary>
    /// The first create sent after the kill that is answered 201 completes within
    /// <see cref="CreatesAgainWithinMs"/> of the kill; the failures before it are reported by status.
    /// </summary>
    public static Verdict CreatesAnsweredAgain(IReadOnlyCollection<RequestRecord> records, double killMs)
    {
        var creates = records.Where(r => r.Endpoint == Endpoints.Create && r.ScheduledMs >= killMs).OrderBy(r => r.CompletedMs).ToList();
        var first = creates.FirstOrDefault(r => r.Status == 201);
        var failed = creates.Where(r => r.Failed && (first is null || r.ScheduledMs < first.ScheduledMs)).ToList();
        var after = first is null ? double.NaN : first.CompletedMs - killMs;
        return new Verdict("Fault: kill the database node taking writes, creates", first is not null && after <= CreatesAgainWithinMs, string.Create(CultureInfo.InvariantCulture,
            $"kill -9 at {killMs / 1000:0.0} s; the first 201 completed {(first is null ? "never" : $"{after / 1000:0.0} s")} after it (limit {CreatesAgainWithinMs / 1000:0} s); {failed.Count} creates failed before it ({FaultVerdicts.Statuses(failed)}); {creates.Count(r => r.Status == 201)} of {creates.Count} creates after the kill answered 201"));
    }

    /// <summary>Reads (by code and availability) never fail in a row for longer than <see cref="ReadsFailForAtMostMs"/>, from the first failure's send to the next success's answer.</summary>
    public static Verdict ReadsNeverFailLong(IReadOnlyCollection<RequestRecord> records)
    {
        var reads = records.Where(r => r.Endpoint is Endpoints.Read or Endpoints.Availability).OrderBy(r => r.ScheduledMs).ToList();
        var longest = 0.0;
        double? since = null;
        foreach (var read in reads)
        {
            if (read.Failed)
            {
                since ??= read.ScheduledMs;
                longest = Math.Max(longest, read.CompletedMs - since.Value);
            }
            else if (since is { } start)
            {
                longest = Math.Max(longest, read.CompletedMs - start);
                since = null;
            }
        }

        var failed = reads.Where(r => r.Failed).ToList();
        return new Verdict("Fault: kill the database node taking writes, reads", reads.Count > 0 && longest <= ReadsFailForAtMostMs, string.Create(CultureInfo.InvariantCulture,
            $"{reads.Count} reads, {failed.Count} failed ({FaultVerdicts.Statuses(failed)}); the longest run of failing reads lasted {longest / 1000:0.0} s (limit {ReadsFailForAtMostMs / 1000:0} s, the deadline)"));
    }
}
