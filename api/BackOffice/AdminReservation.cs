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

/// <summary>A row as the back office's statements select it (Dapper).</summary>
public sealed class AdminReservationRow
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

    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Status { get; set; } = "";
    public int AccommodationId { get; set; }
    public string GuestName { get; set; } = "";
    public string GuestEmail { get; set; } = "";
    public string GuestPhone { get; set; } = "";
    public DateTime CheckIn { get; set; }
    public DateTime CheckOut { get; set; }
    public int Nights { get; set; }
    public int Guests { get; set; }
    public decimal TotalPrice { get; set; }
    public string OwnerClient { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>As shown: a hold past its expiry reads as expired before the sweep writes it so, as everywhere in the API.</summary>
    public AdminReservation ToView(DateTime now) => new(
        Code, Status == ReservationStatus.PreReserved && ExpiresAt <= now ? ReservationStatus.Expired : Status,
        AccommodationId, GuestName, GuestEmail, GuestPhone, DateOnly.FromDateTime(CheckIn), DateOnly.FromDateTime(CheckOut), Nights, Guests,
        TotalPrice, OwnerClient, Utc(ExpiresAt), Utc(CreatedAt), Utc(UpdatedAt));

    /// <summary>Its key in <paramref name="order"/>: created_at in ticks, or the check-in's day number.</summary>
    public long Position(SearchOrder order) => order == SearchOrder.Newest ? CreatedAt.Ticks : DateOnly.FromDateTime(CheckIn).DayNumber;

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
