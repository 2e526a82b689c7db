using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Proxy;

/// <summary>
/// The <c>Proxy</c> section: what the gateway adds around YARP. Routes, clusters, health checks and
/// timeouts stay in YARP's own <c>ReverseProxy</c> section.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>
    /// An optional JSON file holding <c>ReverseProxy:Clusters:replicas:Destinations</c>, watched and
    /// reloaded on change, so replicas can be added and removed without a restart.
    /// A relative path is taken from the content root.
    /// </summary>
    public string? DestinationsFile { get; set; }

    /// <summary>
    /// Expand each destination's host name into one destination per address it resolves to
    /// (in compose, <c>http://api:8080</c> becomes every replica).
    /// </summary>
    public bool ResolveDnsDestinations { get; set; }

    /// <summary>How often DNS destinations are resolved again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Proxy:DnsRefreshPeriod must be between {1} and {2}.")]
    public TimeSpan DnsRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// False only to measure what deadlines cost (the gateway bench's ladder): requests then have no
    /// deadline at the gateway, and the replicas are told none. Never in production.
    /// </summary>
    public bool EnforceDeadlines { get; set; } = true;

    /// <summary>
    /// A route's deadline unless its <c>Metadata:Deadline</c> says otherwise: retries and hedges
    /// included, no request waits longer (docs/deadlines.md). 3 s is the reports' SLO for a create.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Proxy:DefaultDeadline must be between {1} and {2}.")]
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How much sooner than the gateway's the replica's deadline is (at most a tenth of the deadline):
    /// a replica that runs out of time answers 504 deadline-exceeded early enough for that answer to
    /// reach the gateway, rather than at the very instant the gateway gives up, which would cut the
    /// answer off half-sent and close the client's connection.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "Proxy:DeadlineMargin must be between {1} and {2}.")]
    public TimeSpan DeadlineMargin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a stopping gateway lets in-flight requests finish before it aborts them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Proxy:DrainTimeout must be between {1} and {2}.")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait for a TCP connection to a replica. A refused connection fails at once; this
    /// bounds the silent kind (a host that drops packets), which YARP would otherwise wait 15 s for.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Proxy:ConnectTimeout must be between {1} and {2}.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connections to a replica are replaced after this long, so a replaced or rescaled replica set
    /// is picked up by every connection eventually; long enough that the churn costs nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Proxy:PooledConnectionLifetime must be between {1} and {2}.")]
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
