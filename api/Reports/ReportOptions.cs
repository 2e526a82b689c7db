using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Reports;

/// <summary>The <c>Reports</c> section: how long a computed report is served before it is computed again.</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>The most a report's answer may lag the database (its <c>Age</c>); zero computes every request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Reports:CacheTtl must be between {1} and {2}.")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many distinct reports (query strings) a replica keeps at once.</summary>
    [Range(1, 100_000, ErrorMessage = "Reports:CacheEntries must be between {1} and {2}.")]
    public int CacheEntries { get; set; } = 1000;
}
