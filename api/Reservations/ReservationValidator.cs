using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Platform.Api.Reservations;

/// <summary>The contract's field rules for a new reservation. Rules that need the accommodation (capacity) live in the endpoint.</summary>
public static partial class ReservationValidator
{
    public const int MaxNights = 30;
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;

    public static bool TryValidate(CreateReservationRequest? body, DateOnly today,
        out NewReservation reservation, out Dictionary<string, string[]> errors)
    {
        errors = [];
        reservation = null!;
        if (body is null)
        {
            errors["body"] = ["A JSON object is required."];
            return false;
        }

        if (body.AccommodationId is not { } accommodationId)
            errors["accommodationId"] = ["is required"];
        else if (accommodationId < 1)
            errors["accommodationId"] = ["must be a positive integer"];

        if (body.GuestName is not { } name)
            errors["guestName"] = ["is required"];
        else if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            errors["guestName"] = [$"must be 1-{MaxNameLength} characters and not blank"];
        else if (!FreeText.IsClean(name))
            errors["guestName"] = ["must not contain control or format characters (bidi controls, zero-width spaces), lone surrogates or noncharacters; ZWJ and ZWNJ are allowed"];

        if (body.GuestEmail is not { } email)
            errors["guestEmail"] = ["is required"];
        else if (!IsEmail(email))
            errors["guestEmail"] = [$"must be a valid email address of at most {MaxEmailLength} characters"];

        if (body.GuestPhone is not { } phone)
            errors["guestPhone"] = ["is required"];
        else if (!IsE164(phone))
            errors["guestPhone"] = ["must be in E.164 form: '+' and 8-15 digits"];

        if (body.CheckIn is not { } checkIn)
            errors["checkIn"] = ["is required"];
        else if (checkIn < today)
            errors["checkIn"] = ["must not be in the past"];

        if (body.CheckOut is not { } checkOut)
            errors["checkOut"] = ["is required"];
        else if (body.CheckIn is { } start && (checkOut.DayNumber - start.DayNumber) is < 1 or > MaxNights)
            errors["checkOut"] = [$"must be 1 to {MaxNights} nights after checkIn"];

        if (body.Guests is not { } guests)
            errors["guests"] = ["is required"];
        else if (guests < 1)
            errors["guests"] = ["must be at least 1"];

        if (errors.Count > 0)
            return false;

        reservation = new NewReservation(body.AccommodationId!.Value, body.GuestName!, body.GuestEmail!,
            body.GuestPhone!, body.CheckIn!.Value, body.CheckOut!.Value, body.Guests!.Value);
        return true;
    }

    public static bool IsE164(string phone) => E164().IsMatch(phone);

    private static bool IsEmail(string email) =>
        email.Length <= MaxEmailLength
        && !email.Any(char.IsWhiteSpace)
        && FreeText.IsClean(email)
        // MailAddress also accepts "Name <a@b>"; only a bare address that reads back unchanged counts.
        && MailAddress.TryCreate(email, out var parsed)
        && parsed.Address == email
        && parsed.Host.Contains('.', StringComparison.Ordinal);

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
