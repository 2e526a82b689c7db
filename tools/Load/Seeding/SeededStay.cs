namespace Platform.Load.Seeding;

/// <summary>One seeded reservation, as its row in <c>reservations</c> holds it.</summary>
public sealed record SeededStay(
    ulong Id,
    string Status,
    int AccommodationId,
    int Guest,
    DateOnly CheckIn,
    int Nights,
    int Guests,
    decimal TotalPrice,
    string Owner,
    DateTime ExpiresAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public const string PreReserved = "pre_reserved";
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    public DateOnly CheckOut => CheckIn.AddDays(Nights);

    /// <summary>Held and confirmed stays own their nights (a row each in <c>reservation_nights</c>); cancelled and expired ones gave them back.</summary>
    public bool HoldsNights => Status is PreReserved or Confirmed;
}

/// <summary>An accommodation as the seed books it: its size and prices, and the first night it may not book (one already taken, or the window's end).</summary>
public sealed record SeedAccommodation(int Id, int Capacity, decimal NightlyPrice, decimal WeekendPrice, DateOnly Before);
