using System.Text.Json;
using Platform.Api.Reports;
using Platform.Api.Reservations;

namespace Platform.Api.Tests.Reports;

/// <summary>
/// What each event moves in the report totals, worked out by hand: a reservation's share leaves its old
/// status and joins its new one, in its nights (held, sold, or neither) and in its day, owner and status.
/// </summary>
public sealed class ReportDeltasTests
{
    // Thursday 2150-01-01 for three nights: Thursday at 100, Friday and Saturday at 150.
    private static FoldedEvent Event(string type, string? previousStatus = null, bool gone = false) => new()
    {
        Id = 1,
        EventType = type,
        Payload = JsonSerializer.Serialize(previousStatus is null ? new Dictionary<string, string>() : new() { ["previousStatus"] = previousStatus }),
        CreatedAt = gone ? null : new DateTime(2026, 12, 7, 23, 59, 59),
        OwnerClient = gone ? null : "channel-a",
        CheckIn = new DateTime(2150, 1, 1),
        Nights = 3,
        TotalPrice = 400m,
        NightlyPrice = 100m,
        WeekendPrice = 150m,
    };

    private static readonly DateOnly Day = new(2026, 12, 7);

    [Fact]
    public void A_create_holds_its_nights_at_each_nights_price_and_counts_as_held_on_its_day()
    {
        var deltas = new ReportDeltas();
        Assert.True(deltas.Add(Event(ReservationEvents.Created)));
        Assert.Equal(new NightDelta(0, 1, 0, 100m), deltas.Nights[new DateOnly(2150, 1, 1)]);
        Assert.Equal(new NightDelta(0, 1, 0, 150m), deltas.Nights[new DateOnly(2150, 1, 2)]);
        Assert.Equal(new NightDelta(0, 1, 0, 150m), deltas.Nights[new DateOnly(2150, 1, 3)]);
        Assert.Equal(3, deltas.Nights.Count);
        Assert.Equal(new CreatedDelta(1, 3, 400m), deltas.Created[(Day, "channel-a", ReservationStatus.PreReserved)]);
    }

    [Fact]
    public void A_confirmation_moves_the_nights_from_held_to_sold()
    {
        var deltas = new ReportDeltas();
        Assert.True(deltas.Add(Event(ReservationEvents.Confirmed, ReservationStatus.PreReserved)));
        Assert.Equal(new NightDelta(1, -1, 150m, -150m), deltas.Nights[new DateOnly(2150, 1, 3)]);
        Assert.Equal(new CreatedDelta(-1, -3, -400m), deltas.Created[(Day, "channel-a", ReservationStatus.PreReserved)]);
        Assert.Equal(new CreatedDelta(1, 3, 400m), deltas.Created[(Day, "channel-a", ReservationStatus.Confirmed)]);
    }

    [Fact]
    public void Cancelling_a_confirmed_stay_takes_its_sold_nights_away_and_the_whole_life_nets_to_one_cancellation()
    {
        var deltas = new ReportDeltas();
        Assert.True(deltas.Add(Event(ReservationEvents.Cancelled, ReservationStatus.Confirmed)));
        Assert.Equal(new NightDelta(-1, 0, -100m, 0), deltas.Nights[new DateOnly(2150, 1, 1)]);
        // Folded in any order, created + confirmed + cancelled leave no night and one cancelled reservation.
        Assert.True(deltas.Add(Event(ReservationEvents.Created)));
        Assert.True(deltas.Add(Event(ReservationEvents.Confirmed, ReservationStatus.PreReserved)));
        Assert.All(deltas.Nights.Values, n => Assert.Equal(default, n));
        Assert.Equal(new CreatedDelta(0, 0, 0), deltas.Created[(Day, "channel-a", ReservationStatus.PreReserved)]);
        Assert.Equal(new CreatedDelta(0, 0, 0), deltas.Created[(Day, "channel-a", ReservationStatus.Confirmed)]);
        Assert.Equal(new CreatedDelta(1, 3, 400m), deltas.Created[(Day, "channel-a", ReservationStatus.Cancelled)]);
    }

    [Fact]
    public void An_expiry_releases_held_nights()
    {
        var deltas = new ReportDeltas();
        Assert.True(deltas.Add(Event(ReservationEvents.Expired, ReservationStatus.PreReserved)));
        Assert.Equal(new NightDelta(0, -1, 0, -100m), deltas.Nights[new DateOnly(2150, 1, 1)]);
        Assert.Equal(new CreatedDelta(1, 3, 400m), deltas.Created[(Day, "channel-a", ReservationStatus.Expired)]);
    }

    [Fact]
    public void A_cancellation_that_does_not_say_what_it_cancelled_cannot_be_folded()
    {
        var deltas = new ReportDeltas();
        Assert.False(deltas.Add(Event(ReservationEvents.Cancelled)));
        Assert.Empty(deltas.Nights);
        Assert.Empty(deltas.Created);
    }

    [Fact]
    public void Events_of_a_reservation_the_database_no_longer_has_or_of_another_kind_change_nothing()
    {
        var deltas = new ReportDeltas();
        Assert.True(deltas.Add(Event(ReservationEvents.Created, gone: true)));
        Assert.True(deltas.Add(Event("reservation.rolled_back")));
        Assert.Empty(deltas.Nights);
        Assert.Empty(deltas.Created);
    }
}
