using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Observability;

/// <summary>
/// The <c>Metrics</c> section: the management listener that serves /metrics and /health/*, apart
/// from the proxy port so that neither is ever reachable through the gateway.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Host to bind: <c>+</c> for every interface (containers), <c>127.0.0.1</c> locally.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Metrics:Host must not be empty.")]
    public string Host { get; set; } = "+";

    /// <summary>0 turns the management listener off.</summary>
    [Range(0, 65535, ErrorMessage = "Metrics:Port must be between {1} and {2}.")]
    public int Port { get; set; } = 9100;

    /// <summary>
    /// False turns metrics off entirely: no management listener and no timing of requests, so a
    /// benchmark can measure what observability costs.
    /// </summary>
    public bool Enabled { get; set; } = true;

    public bool IsServed => Enabled && Port > 0;
}
