using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Outliers;

/// <summary>
/// The <c>Proxy:Outliers</c> section: when a replica that still accepts connections is taken out of
/// rotation because it is slow or frozen (Envoy's outlier detection, by latency and by losing to copies).
/// </summary>
public sealed class OutlierOptions
{
    public const string Section = "Proxy:Outliers";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Reads a replica must have answered since it joined before lost races count against it: a
    /// process that just started is slow while it compiles, copies cover its callers meanwhile, and
    /// ejecting it would keep it from ever warming up.
    /// </summary>
    [Range(0, 10_000, ErrorMessage = "Proxy:Outliers:WarmUpAnswers must be between {1} and {2}.")]
    public int WarmUpAnswers { get; set; } = 10;

    /// <summary>Times in a row a replica may be beaten by a copy sent to another (or time out) before it is ejected.</summary>
    [Range(1, 1000, ErrorMessage = "Proxy:Outliers:ConsecutiveSlow must be between {1} and {2}.")]
    public int ConsecutiveSlow { get; set; } = 3;

    /// <summary>
    /// How long an ejected replica is left alone before probing starts; each ejection soon after
    /// the last doubles it, up to <see cref="MaxEjectionTime"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Proxy:Outliers:BaseEjectionTime must be between {1} and {2}.")]
    public TimeSpan BaseEjectionTime { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Proxy:Outliers:MaxEjectionTime must be between {1} and {2}.")]
    public TimeSpan MaxEjectionTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most of a cluster's destinations that may be ejected at once; at least one always stays.</summary>
    [Range(0, 100, ErrorMessage = "Proxy:Outliers:MaxEjectedPercent must be between {1} and {2}.")]
    public int MaxEjectedPercent { get; set; } = 50;

    /// <summary>A replica whose recent mean answer time is this many times its peers' median is ejected...</summary>
    [Range(1.5, 1000, ErrorMessage = "Proxy:Outliers:LatencyFactor must be between {1} and {2}.")]
    public double LatencyFactor { get; set; } = 5;

    /// <summary>...provided it is also above this: a few milliseconds against one is not an outlier.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ErrorMessage = "Proxy:Outliers:LatencyFloor must be between {1} and {2}.")]
    public TimeSpan LatencyFloor { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Answers a replica must have given since it (re)joined before its latency is judged: enough
    /// that a freshly started replica's first, compiling answers have faded from its mean.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Proxy:Outliers:MinSamples must be between {1} and {2}.")]
    public int MinSamples { get; set; } = 20;

    /// <summary>What an ejected replica is probed with: liveness, no database, so a database stall does not keep it out.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Proxy:Outliers:ProbePath is required.")]
    public string ProbePath { get; set; } = "/api/v1/health";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "Proxy:Outliers:ProbeInterval must be between {1} and {2}.")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A probe counts only if answered with a 2xx within this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ErrorMessage = "Proxy:Outliers:ProbeTimeout must be between {1} and {2}.")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Probes in a row that must pass before the replica rejoins: many, so that a replica that is
    /// slow only part of the time (stopped 150 ms of every 200) is very unlikely to pass by luck.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Proxy:Outliers:ProbeSuccesses must be between {1} and {2}.")]
    public int ProbeSuccesses { get; set; } = 10;
}
