namespace Platform.Gateway.RateLimiting;

/// <summary>The <c>RateLimiting</c> section. Checked at start-up by <see cref="RateLimitingOptionsValidator"/>.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Off: no limiting, no RateLimit headers (for side-by-side benchmarks). Identification stays on: nothing turns it off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Live partitions the gateway keeps; clients beyond share an overflow bucket per policy.</summary>
    public int MaxPartitions { get; set; } = 100_000;

    /// <summary>How often idle (full) buckets are evicted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>By name; <c>anonymous</c> is required and applies to requests without an API key, per client IP. API-key clients name theirs in <c>Identity:Clients</c>.</summary>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// One bucket shared by every anonymous client together, on top of each one's own: per-IP buckets
    /// cannot refuse a flood spread over many addresses, this does, and keeps the replicas for keyed clients.
    /// </summary>
    public AnonymousCeilingOptions AnonymousCeiling { get; set; } = new();

    /// <summary>Peers whose <c>X-Forwarded-For</c> is believed (IP addresses). Nobody's by default.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Networks (CIDR) whose <c>X-Forwarded-For</c> is believed.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>StackExchange.Redis configuration for global mode; empty keeps the buckets in this process.</summary>
    public string Redis { get; set; } = "";

    public string RedisKeyPrefix { get; set; } = "ratelimit:";

    /// <summary>Longest a Redis call may take before this request is decided locally.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a failed Redis call, how long to stay local before trying Redis again.</summary>
    public TimeSpan RedisRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class RateLimitPolicyOptions
{
    public double PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}

public sealed class AnonymousCeilingOptions
{
    /// <summary>Off: anonymous clients are limited only per IP.</summary>
    public bool Enabled { get; set; }

    public double PermitsPerSecond { get; set; }

    public int Burst { get; set; }

    /// <summary>
    /// Share of the burst kept for senior addresses (known since before the pressure, within their own
    /// rate): addresses first seen during the pressure may draw the ceiling only to the rest.
    /// </summary>
    public double SeniorReserve { get; set; } = 0.25;

    /// <summary>Share of the burst that addresses in debt (refused by their own bucket within <see cref="PressureWindow"/>) may draw.</summary>
    public double DebtorShare { get; set; } = 0.5;

    /// <summary>
    /// How long an address must have been known before the pressure began (or before now, with no
    /// pressure) to be senior. A flood's addresses first seen as it starts are junior through their
    /// first bursts, which would otherwise draw the whole ceiling before their own buckets refuse them.
    /// </summary>
    public TimeSpan SeniorAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the pressure lasts after the ceiling's last refusal, and an address stays in debt after
    /// its own bucket's last refusal.
    /// </summary>
    public TimeSpan PressureWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an address's partition (and its seniority) is kept once its bucket is full again.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(2);
}
