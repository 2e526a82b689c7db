using System.Text.Json;
using Platform.Api.Reservations;
using Platform.Contracts.Reservations;

namespace Platform.Api.Reports;

/// <summary>
/// What a batch of outbox events changes in the report totals (migration 007): each event moves its
/// reservation from one status to another, so it takes the reservation's share away from the old
/// status and gives it to the new one, in the nights it stays (held by a pre-reservation, sold by a
/// confirmed one, neither once cancelled or expired) and in its day of creation, owner and status.
/// Sums commute, so the order in which events are folded does not matter, only that each is folded once.
/// </summary>
public sealed class ReportDeltas
{
    public Dictionary<DateOnly, NightDelta> Nights { get; } = [];
    public Dictionary<(DateOnly Day, string Owner, string Status), CreatedDelta> Created { get; } = [];

    /// <summary>Adds one event; false when it cannot be folded exactly (a cancellation that does not say what it cancelled).</summary>
    public bool Add(FoldedEvent e)
    {
        if (e.CreatedAt is null)
            return true; // Its reservation is gone (an event about a restore): nothing to count.
        var (from, to) = e.EventType switch
        {
            ReservationEvents.Created => ((string?)null, ReservationStatus.PreReserved),
            ReservationEvents.Confirmed => (PreviousStatus(e) ?? ReservationStatus.PreReserved, ReservationStatus.Confirmed),
            ReservationEvents.Expired => (PreviousStatus(e) ?? ReservationStatus.PreReserved, ReservationStatus.Expired),
            ReservationEvents.Cancelled => (PreviousStatus(e), ReservationStatus.Cancelled),
            _ => (null, null),
        };
        if (to is null)
            return true; // Not a change of status.
        if (from is null && e.EventType != ReservationEvents.Created)
            return false;
        if (from is not null)
            Count(e, from, -1);
        Count(e, to, +1);
        return true;
    }

    private void Count(FoldedEvent e, string status, int sign)
    {
        var key = (DateOnly.FromDateTime(e.CreatedAt!.Value), e.OwnerClient!, status);
        var created = Created.TryGetValue(key, out var c) ? c : new CreatedDelta(0, 0, 0);
        Created[key] = new CreatedDelta(created.Reservations + sign, created.Nights + sign * e.Nights, created.Value + sign * e.TotalPrice);

        var sold = status == ReservationStatus.Confirmed;
        if (!sold && status != ReservationStatus.PreReserved)
            return; // Cancelled and expired reservations hold no nights.
        var checkIn = DateOnly.FromDateTime(e.CheckIn);
        for (var i = 0; i < e.Nights; i++)
        {
            var night = checkIn.AddDays(i);
            var price = sign * StayPrice.Total(night, 1, e.NightlyPrice, e.WeekendPrice);
            var n = Nights.TryGetValue(night, out var d) ? d : new NightDelta(0, 0, 0, 0);
            Nights[night] = sold
                ? n with { Confirmed = n.Confirmed + sign, RevenueConfirmed = n.RevenueConfirmed + price }
                : n with { Held = n.Held + sign, RevenueHeld = n.RevenueHeld + price };
        }
    }

    private static string? PreviousStatus(FoldedEvent e)
    {
        using var payload = JsonDocument.Parse(e.Payload);
        return payload.RootElement.TryGetProperty("previousStatus", out var previous) && previous.ValueKind == JsonValueKind.String
            ? previous.GetString()
            : null;
    }
}

public readonly record struct NightDelta(int Confirmed, int Held, decimal RevenueConfirmed, decimal RevenueHeld);

public readonly record struct CreatedDelta(int Reservations, int Nights, decimal Value);

/// <summary>An outbox event and the facts of its reservation that never change after the create (all null when the reservation is gone).</summary>
public sealed class FoldedEvent
{
    public long Id { get; set; }
    public string EventType { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTime? CreatedAt { get; set; }
    public string? OwnerClient { get; set; }
    public DateTime CheckIn { get; set; }
    public int Nights { get; set; }
    public decimal TotalPrice { get; set; }
    public decimal NightlyPrice { get; set; }
    public decimal WeekendPrice { get; set; }
}
