using Platform.Api.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>A reservation as the back office sees it: what its client sees, and whose it is and when it last changed.</summary>
public sealed record AdminReservation(
    string Code,
    string Status,
    int AccommodationId,
    string GuestName,
    string GuestEmail,
    string GuestPhone,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Nights,
    int Guests,
    decimal TotalPrice,
    string OwnerClient,
    DateTime ExpiresAt,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>One page of a search: its reservations and, when there may be more, the cursor of the next page.</summary>
public sealed record SearchPage(IReadOnlyList<AdminReservation> Items, string? NextCursor);

/// <summary>
/// What the back office's statements select into the API's one row type (<see cref="ReservationRow"/>),
/// and how such a row is shown to an operator and keyed for the next page.
/// </summary>
public static class AdminReservationRows
{
    /// <summary>The column list every back-office statement selects.</summary>
    public const string Columns = """
        r.id AS Id, r.code AS Code, r.status AS Status, r.accommodation_id AS AccommodationId,
        r.guest_name AS GuestName, r.guest_email AS GuestEmail, r.guest_phone AS GuestPhone,
        r.check_in AS CheckIn, r.check_out AS CheckOut, r.nights AS Nights, r.guests AS Guests, r.total_price AS TotalPrice,
        r.owner_client AS OwnerClient, r.expires_at AS ExpiresAt, r.created_at AS CreatedAt, r.updated_at AS UpdatedAt
        """;

    /// <summary><see cref="Columns"/> without the guest's name, email and phone: an export without personal data never reads them.</summary>
    public const string ColumnsWithoutGuest = """
        r.id AS Id, r.code AS Code, r.status AS Status, r.accommodation_id AS AccommodationId,
        r.check_in AS CheckIn, r.check_out AS CheckOut, r.nights AS Nights, r.guests AS Guests, r.total_price AS TotalPrice,
        r.owner_client AS OwnerClient, r.expires_at AS ExpiresAt, r.created_at AS CreatedAt, r.updated_at AS UpdatedAt
        """;

    /// <summary>As shown: the reservation as its client sees it (a hold past its expiry reads as expired), whose it is and when it last changed.</summary>
    public static AdminReservation ToAdminView(this ReservationRow row, DateTime now)
    {
        var seen = row.ToReservation(now);
        return new(seen.Code, seen.Status, seen.AccommodationId, seen.GuestName, seen.GuestEmail, seen.GuestPhone, seen.CheckIn, seen.CheckOut,
            seen.Nights, seen.Guests, seen.TotalPrice, row.OwnerClient, seen.ExpiresAt, seen.CreatedAt, DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc));
    }

    /// <summary>Its key in <paramref name="order"/>: created_at in ticks, or the check-in's day number.</summary>
    public static long Position(this ReservationRow row, SearchOrder order) =>
        order == SearchOrder.Newest ? row.CreatedAt.Ticks : DateOnly.FromDateTime(row.CheckIn).DayNumber;
}
