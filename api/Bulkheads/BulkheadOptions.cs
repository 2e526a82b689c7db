using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Bulkheads;

/// <summary>
/// The <c>Bulkheads</c> section: how many reads and writes a replica works on at once; each at most
/// <c>Database:MaximumPoolSize</c>. The defaults add up to the pool (20 + 10 = 30): writes stuck
/// behind a lock hold at most 20 connections, so reads always find one of the other 10 at once.
/// </summary>
public sealed class BulkheadOptions
{
    public const string Section = "Bulkheads";

    /// <summary>Creates, confirms and cancels in flight at once; the next is shed with 503.</summary>
    [Range(1, 1000, ErrorMessage = "Bulkheads:Writers must be between {1} and {2}.")]
    public int Writers { get; set; } = 20;

    /// <summary>Reads in flight at once; the next is shed with 503.</summary>
    [Range(1, 1000, ErrorMessage = "Bulkheads:Readers must be between {1} and {2}.")]
    public int Readers { get; set; } = 10;
}
