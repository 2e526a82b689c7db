using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Deadlines;

/// <summary>The <c>Deadlines</c> section: how long a replica works on a request at most.</summary>
public sealed class DeadlineOptions
{
    public const string Section = "Deadlines";

    /// <summary>
    /// For a request without <c>X-Request-Deadline</c> (a caller that bypassed the gateway): the
    /// gateway's own default, the reports' SLO for creating a pre-reservation.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Deadlines:Default must be between {1} and {2}.")]
    public TimeSpan Default { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A deadline further away is capped here, so no caller can pin a connection for minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Deadlines:Maximum must be between {1} and {2}.")]
    public TimeSpan Maximum { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An export's own bound (docs/api.md, Back office): it streams every row it finds, so it is exempt
    /// from <see cref="Default"/> and <see cref="Maximum"/>, and stops here instead (or at an earlier
    /// deadline its caller sends).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "02:00:00", ErrorMessage = "Deadlines:Export must be between {1} and {2}.")]
    public TimeSpan Export { get; set; } = TimeSpan.FromMinutes(10);
}
