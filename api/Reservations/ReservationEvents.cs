using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Api.Reservations;

/// <summary>The events a reservation's life emits through the outbox, and their JSON payloads.</summary>
public static class ReservationEvents
{
    public const string Created = "reservation.created";
    public const string Confirmed = "reservation.confirmed";
    public const string Cancelled = "reservation.cancelled";
    public const string Expired = "reservation.expired";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>reservation.created</c>: the whole reservation and its owner (never a guest secret: the writer's reservation has none).</summary>
    public static string Payload(Reservation reservation, string ownerClient)
    {
        var payload = JsonSerializer.SerializeToNode(reservation, Json)!.AsObject();
        payload["ownerClient"] = ownerClient;
        return payload.ToJsonString(Json);
    }

    /// <summary>
    /// <c>reservation.confirmed</c>, <c>.cancelled</c>, <c>.expired</c>: the new status and the one it
    /// replaced (<c>previousStatus</c>: the report totals need to know what a cancellation took away).
    /// </summary>
    public static string StatusChange(ReservationRow row, string status, DateTime occurredAt) =>
        JsonSerializer.Serialize(new
        {
            row.Code,
            row.OwnerClient,
            Status = status,
            PreviousStatus = row.Status,
            row.AccommodationId,
            CheckIn = DateOnly.FromDateTime(row.CheckIn),
            CheckOut = DateOnly.FromDateTime(row.CheckOut),
            OccurredAt = occurredAt,
        }, Json);
}
