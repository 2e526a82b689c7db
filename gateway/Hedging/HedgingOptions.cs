using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Hedging;

/// <summary>
/// The <c>Proxy:Hedging</c> section: second copies of requests that are safe to repeat (GET, HEAD,
/// POST with an <c>Idempotency-Key</c>) when the first replica is slow to answer.
/// </summary>
public sealed class HedgingOptions
{
    public const string Section = "Proxy:Hedging";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest a safe request waits for one replica before a copy goes to another, even when
    /// the hedge budget is spent: what a frozen replica may cost such a request at most.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30", ErrorMessage = "Proxy:Hedging:PerTryTimeout must be between {1} and {2}.")]
    public TimeSpan PerTryTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The earliest a budgeted copy is sent: the hedge delay is the recent p95 of answers of the
    /// same kind (reads, writes), but never less than this, so jitter on an idle machine does not hedge.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30", ErrorMessage = "Proxy:Hedging:MinDelay must be between {1} and {2}.")]
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Copies sent before the per-try timeout, as a share of all requests: what hedging may add to the load.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Proxy:Hedging:BudgetRatio must be between {1} and {2}.")]
    public double BudgetRatio { get; set; } = 0.05;

    /// <summary>How many unspent copies the budget may save up for a burst of slowness.</summary>
    [Range(1, 10_000, ErrorMessage = "Proxy:Hedging:BudgetBurst must be between {1} and {2}.")]
    public int BudgetBurst { get; set; } = 20;
}
