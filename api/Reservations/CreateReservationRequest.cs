namespace Platform.Api.Reservations;

/// <summary>The body of POST /api/v1/reservations as sent; every field may be missing until validated.</summary>
public sealed record CreateReservationRequest(
    int? AccommodationId,
    string? GuestName,
    string? GuestEmail,
    string? GuestPhone,
    DateOnly? CheckIn,
    DateOnly? CheckOut,
    int? Guests);

/// <summary>A request that passed validation: every field present and well-formed.</summary>
public sealed record NewReservation(
    int AccommodationId,
    string GuestName,
    string GuestEmail,
    string GuestPhone,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests)
{
    public int Nights => CheckOut.DayNumber - CheckIn.DayNumber;
}
