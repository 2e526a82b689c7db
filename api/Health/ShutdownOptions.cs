using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Health;

/// <summary>The <c>Shutdown</c> section: how a stopping replica leaves its load balancer.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// After SIGTERM the replica reports not ready at once but keeps serving this long, so a load
    /// balancer that probes readiness (the gateway: every 2 s, out after two failures) stops sending
    /// to it before it stops listening. Then in-flight requests finish and it exits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Shutdown:DrainDelay must be between {1} and {2}.")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(6);
}
