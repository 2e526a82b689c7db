using System.Text.Json.Serialization;

namespace Platform.Api.Reservations;

/// <summary>A reservation as clients see it.</summary>
public sealed record Reservation(
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
    DateTime ExpiresAt,
    DateTime CreatedAt)
{
    /// <summary>
    /// Only in the 201 of an anonymous guest's create, once (never on a replay, never stored: the
    /// database keeps its SHA-256); omitted from the JSON everywhere else.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GuestSecret { get; init; }
}

public static class ReservationStatus
{
    public const string PreReserved = "pre_reserved";
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}

/// <summary>A row of the reservations table, as Dapper reads it.</summary>
public sealed class ReservationRow
{
    /// <summary>The column list every query selects, aliased to this class's property names.</summary>
    public const string Columns = """
        r.id AS Id, r.code AS Code, r.status AS Status, r.accommodation_id AS AccommodationId,
        r.guest_name AS GuestName, r.guest_email AS GuestEmail, r.guest_phone AS GuestPhone,
        r.check_in AS CheckIn, r.check_out AS CheckOut, r.nights AS Nights, r.guests AS Guests,
        r.total_price AS TotalPrice, r.expires_at AS ExpiresAt, r.created_at AS CreatedAt,
        r.owner_client AS OwnerClient, r.guest_secret_hash AS GuestSecretHash,
        r.holder AS Holder, r.budget_shard AS BudgetShard
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
    public DateTime ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Read only by the back office (<c>AdminReservationRows.Columns</c>): when the row last changed.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>The client that created it (docs/identity.md, Ownership).</summary>
    public string OwnerClient { get; set; } = "";

    /// <summary>SHA-256 of an anonymous guest's secret; null for API clients' reservations.</summary>
    public byte[]? GuestSecretHash { get; set; }

    /// <summary>Whose quota this hold counts against while it is held; null for none (docs/api.md, Limits).</summary>
    public string? Holder { get; set; }

    /// <summary>The anonymous budget's shard this hold took its nights from; null for none.</summary>
    public byte? BudgetShard { get; set; }

    /// <summary>Read only where an idempotent replay must be checked against the original request.</summary>
    public byte[]? RequestHash { get; set; }

    /// <summary>
    /// A pre-reservation past its hold reads as expired even before the sweep has written it so,
    /// so no client is told it still holds the nights.
    /// </summary>
    public Reservation ToReservation(DateTime now) => ToReservation(
        Status == ReservationStatus.PreReserved && ExpiresAt <= now ? ReservationStatus.Expired : Status);

    public Reservation ToReservation(string status) => new(
        Code, status, AccommodationId, GuestName, GuestEmail, GuestPhone,
        DateOnly.FromDateTime(CheckIn), DateOnly.FromDateTime(CheckOut), Nights, Guests, TotalPrice,
        DateTime.SpecifyKind(ExpiresAt, DateTimeKind.Utc), DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc));
}
