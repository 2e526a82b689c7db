using Platform.Api.Reservations;

namespace Platform.Api.Tests.Reservations;

public class ReservationValidatorTests
{
    private static readonly DateOnly Today = new(2027, 1, 1);

    private static CreateReservationRequest Valid() =>
        new(42, "Ana Pérez", "ana@example.com", "+5491112345678", new DateOnly(2027, 1, 10), new DateOnly(2027, 1, 13), 2);

    [Fact]
    public void The_contract_example_is_valid()
    {
        Assert.True(ReservationValidator.TryValidate(Valid(), Today, out var reservation, out var errors));
        Assert.Empty(errors);
        Assert.Equal(3, reservation.Nights);
    }

    public static TheoryData<CreateReservationRequest, string> Invalid() => new()
    {
        { Valid() with { AccommodationId = null }, "accommodationId" },
        { Valid() with { AccommodationId = 0 }, "accommodationId" },
        { Valid() with { GuestName = "" }, "guestName" },
        { Valid() with { GuestName = "   " }, "guestName" },
        { Valid() with { GuestName = new string('a', 201) }, "guestName" },
        { Valid() with { GuestName = "Ana\u0000" }, "guestName" },
        { Valid() with { GuestEmail = "not-an-email" }, "guestEmail" },
        { Valid() with { GuestEmail = "Ana <ana@example.com>" }, "guestEmail" },
        { Valid() with { GuestEmail = "ana@localhost" }, "guestEmail" },
        { Valid() with { GuestEmail = new string('a', 250) + "@example.com" }, "guestEmail" },
        { Valid() with { GuestPhone = "5491112345678" }, "guestPhone" },
        { Valid() with { GuestPhone = "+1234567" }, "guestPhone" },
        { Valid() with { GuestPhone = "+1234567890123456" }, "guestPhone" },
        { Valid() with { GuestPhone = "+54 911 1234 5678" }, "guestPhone" },
        { Valid() with { CheckIn = new DateOnly(2026, 12, 31) }, "checkIn" },
        { Valid() with { CheckOut = new DateOnly(2027, 1, 10) }, "checkOut" },
        { Valid() with { CheckOut = new DateOnly(2027, 1, 9) }, "checkOut" },
        { Valid() with { CheckOut = new DateOnly(2027, 2, 10) }, "checkOut" },
        { Valid() with { Guests = 0 }, "guests" },
        { Valid() with { Guests = -3 }, "guests" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_broken_rule_is_reported_against_its_field(CreateReservationRequest request, string field)
    {
        Assert.False(ReservationValidator.TryValidate(request, Today, out _, out var errors));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Thirty_nights_is_the_longest_stay()
    {
        Assert.True(ReservationValidator.TryValidate(Valid() with { CheckOut = new DateOnly(2027, 2, 9) }, Today, out _, out _));
        Assert.False(ReservationValidator.TryValidate(Valid() with { CheckOut = new DateOnly(2027, 2, 10) }, Today, out _, out _));
    }

    [Fact]
    public void Check_in_today_is_allowed() =>
        Assert.True(ReservationValidator.TryValidate(Valid() with { CheckIn = Today, CheckOut = Today.AddDays(1) }, Today, out _, out _));

    [Fact]
    public void A_missing_body_is_reported() =>
        Assert.False(ReservationValidator.TryValidate(null, Today, out _, out var errors) || errors.Count == 0);
}
