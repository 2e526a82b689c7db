using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Observability;

/// <summary>The <c>Metrics</c> section: the management listener that serves /metrics, apart from the API port.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Host to bind: <c>+</c> for every interface (containers), <c>127.0.0.1</c> locally.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Metrics:Host must not be empty.")]
    public string Host { get; set; } = "+";

    /// <summary>0 turns the management listener off.</summary>
    [Range(0, 65535, ErrorMessage = "Metrics:Port must be between {1} and {2}.")]
    public int Port { get; set; } = 9100;
}
