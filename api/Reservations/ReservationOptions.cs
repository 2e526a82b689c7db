using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Reservations;

/// <summary>The <c>Reservations</c> section.</summary>
public sealed class ReservationOptions
{
    public const string Section = "Reservations";

    /// <summary>How long a pre-reservation holds its nights before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Reservations:HoldTime must be between {1} and {2}.")]
    public TimeSpan HoldTime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Reservations:ExpirySweepInterval must be between {1} and {2}.")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 10_000, ErrorMessage = "Reservations:ExpirySweepBatchSize must be between {1} and {2}.")]
    public int ExpirySweepBatchSize { get; set; } = 200;

    /// <summary>
    /// The most nights all anonymous holds together may hold, whatever their addresses (docs/api.md,
    /// Limits): 18,000 is 4.9 % of a year's nights of the 1,000 seeded accommodations. Enforced in 16
    /// shards of budget/16 (rounded down). Every replica must have the same value.
    /// </summary>
    [Range(16, 100_000_000, ErrorMessage = "Reservations:AnonymousHeldNightsBudget must be between {1} and {2}.")]
    public int AnonymousHeldNightsBudget { get; set; } = 18_000;
}
