using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Bulkheads;

/// <summary>
/// The <c>Bulkheads</c> section: how many reads and writes a replica works on at once; each at most
/// <c>Database:MaximumPoolSize</c>. Unset, they split the pool: two thirds for writes, the rest for
/// reads (20 and 10 of 30), so writes stuck behind a lock never hold the connections reads need, and
/// a replica given a smaller or larger pool gets shares to match.
/// </summary>
public sealed class BulkheadOptions
{
    public const string Section = "Bulkheads";

    /// <summary>Creates, confirms and cancels in flight at once; the next is shed with 503.</summary>
    [Range(1, 1000, ErrorMessage = "Bulkheads:Writers must be between {1} and {2}.")]
    public int? Writers { get; set; }

    /// <summary>
    /// Anonymous guests' writes in flight at once, inside <see cref="Writers"/>; the next guest write is
    /// refused with 429 anonymous-writes-busy while keyed clients keep the rest. Unset: a quarter of the writers (5 of 20).
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Bulkheads:AnonymousWriters must be between {1} and {2}.")]
    public int? AnonymousWriters { get; set; }

    /// <summary>Reads in flight at once; the next is shed with 503.</summary>
    [Range(1, 1000, ErrorMessage = "Bulkheads:Readers must be between {1} and {2}.")]
    public int? Readers { get; set; }

    /// <summary>
    /// Below the writers' share, adapt the limit to how long writes take (<see cref="AdaptiveConcurrencyLimiter"/>):
    /// once writes stall, new ones are shed at once instead of waiting out their deadline. Off by
    /// default: on shared machines ordinary writes reach a p99 of several hundred milliseconds, close
    /// to any target that still tells a stall apart, so the limit would shrink on noise.
    /// </summary>
    public bool AdaptiveWriters { get; set; }

    /// <summary>With <see cref="AdaptiveWriters"/>: a write that takes longer counts as a sign of a stall.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "Bulkheads:WriteLatencyTarget must be between {1} and {2}.")]
    public TimeSpan WriteLatencyTarget { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The writers' default share of a pool: two thirds, at least one.</summary>
    public static int DefaultWriters(int poolSize) => Math.Max(1, poolSize * 2 / 3);

    /// <summary>The guests' default share of the writers: a quarter, at least one.</summary>
    public static int DefaultAnonymousWriters(int writers) => Math.Max(1, writers / 4);

    /// <summary>The readers' default share: what the writers leave, at least one.</summary>
    public static int DefaultReaders(int poolSize, int writers) => Math.Max(1, poolSize - writers);
}
