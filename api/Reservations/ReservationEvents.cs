using System.Text.Json;

namespace Platform.Api.Reservations;

/// <summary>The events a reservation's life emits through the outbox, and their JSON payloads.</summary>
public static class ReservationEvents
{
    public const string Created = "reservation.created";
    public const string Confirmed = "reservation.confirmed";
    public const string Cancelled = "reservation.cancelled";
    public const string Expired = "reservation.expired";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Payload(Reservation reservation) => JsonSerializer.Serialize(reservation, Json);

    public static string StatusChange(ReservationRow row, string status, DateTime occurredAt) =>
        JsonSerializer.Serialize(new
        {
            row.Code,
            Status = status,
            row.AccommodationId,
            CheckIn = DateOnly.FromDateTime(row.CheckIn),
            CheckOut = DateOnly.FromDateTime(row.CheckOut),
            OccurredAt = occurredAt,
        }, Json);
}
