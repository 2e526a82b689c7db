using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;
using Prometheus;
using Platform.Api.Identity;

namespace Platform.Api.Reservations;

/// <summary>
/// The business-flow limits a create is held to (docs/api.md, Limits). The caller's own limits come
/// signed from the gateway; the budget of all anonymous holds is the replicas' own setting
/// (<c>Reservations:AnonymousHeldNightsBudget</c>), split into <see cref="Shards"/> rows so that the
/// total is exact while concurrent creates queue on many rows, not one. Refusals are counted by
/// reason, and the anonymous held nights are published against the budget.
/// </summary>
public sealed class HoldQuotas(IOptions<ReservationOptions> options)
{
    public const int Shards = 16;

    private static readonly Counter Refusals = Metrics.CreateCounter("api_reservation_limit_refusals_total",
        "Creates and confirms refused by a business-flow limit, by reason: hold-quota (the holder's active holds or held nights), "
        + "anonymous-budget (all anonymous holds together), horizon, nights (per reservation), confirm (the caller may not confirm).",
        "reason");

    private static readonly Gauge AnonymousHeldNights = Metrics.CreateGauge("api_anonymous_held_nights",
        "Nights held by anonymous holds (pre-reservations) of every address together, read from the database's budget rows by the expiry sweep.");

    private static readonly Gauge AnonymousBudget = Metrics.CreateGauge("api_anonymous_held_nights_budget",
        "Reservations:AnonymousHeldNightsBudget as enforced: the most nights all anonymous holds may hold together (16 shards of budget/16).");

    public const string QuotaReason = "hold-quota";
    public const string BudgetReason = "anonymous-budget";
    public const string HorizonReason = "horizon";
    public const string NightsReason = "nights";
    public const string ConfirmReason = "confirm";

    static HoldQuotas()
    {
        foreach (var reason in new[] { QuotaReason, BudgetReason, HorizonReason, NightsReason, ConfirmReason })
            Refusals.WithLabels(reason);
    }

    /// <summary>The budget as the shards enforce it (a multiple of <see cref="Shards"/>).</summary>
    public int EnforcedBudget => ShardBudget * Shards;

    private int ShardBudget => options.Value.AnonymousHeldNightsBudget / Shards;

    /// <summary>What the caller's new hold counts against.</summary>
    public HoldCharge ChargeFor(Caller caller)
    {
        var limits = caller.Limits;
        var holder = limits.HasQuota && caller.Holder.Length > 0 ? caller.Holder : null;
        int? shard = caller.IsAnonymous ? Shard(caller.Holder) : null;
        return new HoldCharge(holder, limits.MaxHolds ?? HoldLimits.MaxValue,
            limits.MaxHeldNights ?? HoldLimits.MaxValue, shard, ShardBudget,
            limits.HoldSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    public static void CountRefusal(string reason) => Refusals.WithLabels(reason).Inc();

    public void Publish(long anonymousHeldNights)
    {
        AnonymousHeldNights.Set(anonymousHeldNights);
        AnonymousBudget.Set(EnforcedBudget);
    }

    /// <summary>A stable shard for a holder (FNV-1a of its characters): the same on every replica.</summary>
    internal static int Shard(string holder)
    {
        var hash = 2166136261u;
        foreach (var c in holder)
            hash = (hash ^ c) * 16777619u;
        return (int)(hash % Shards);
    }
}
