using System.ComponentModel.DataAnnotations;

namespace Platform.Contracts.Management;

/// <summary>
/// The <c>Metrics</c> section of the gateway and of the API: the management listener
/// (<see cref="ManagementServer"/>), apart from the service's own port so that nothing on it is ever
/// reachable there.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// Host to bind: loopback unless told otherwise, since /metrics names every client (policy, client
    /// labels); <c>+</c> for every interface only where the network is private (compose's internal backend).
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Metrics:Host must not be empty.")]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>0 turns the management listener off.</summary>
    [Range(0, 65535, ErrorMessage = "Metrics:Port must be between {1} and {2}.")]
    public int Port { get; set; } = 9100;

    /// <summary>
    /// False turns the management listener off. The gateway also stops timing requests, so a
    /// benchmark can measure what observability costs.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>True when a management listener runs.</summary>
    public bool IsServed => Enabled && Port > 0;
}
