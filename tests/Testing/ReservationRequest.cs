using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>
/// The body of <c>POST /api/v1/reservations</c>, built one way for every test: the stay is required, the guest has
/// defaults (Ana Pérez, ana@example.com, a fresh phone number, 2 guests) that a caller overrides with <c>with</c> or an initializer.
/// </summary>
public sealed record ReservationRequest(int AccommodationId, DateOnly CheckIn, DateOnly CheckOut)
{
    public string GuestName { get; init; } = "Ana Pérez";

    public string GuestEmail { get; init; } = "ana@example.com";

    /// <summary>A fresh <see cref="NewPhone"/> unless given.</summary>
    public string GuestPhone { get; init; } = NewPhone();

    public int Guests { get; init; } = 2;

    /// <summary>A valid E.164 phone number (+54 911 and eight random digits), almost surely no other test's.</summary>
    public static string NewPhone() => "+54911" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    /// <summary>The JSON body, fields in the API's order, dates as yyyy-MM-dd.</summary>
    public JsonObject ToJson() => new()
    {
        ["accommodationId"] = AccommodationId,
        ["guestName"] = GuestName,
        ["guestEmail"] = GuestEmail,
        ["guestPhone"] = GuestPhone,
        ["checkIn"] = CheckIn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["checkOut"] = CheckOut.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["guests"] = Guests,
    };
}
