using System.Globalization;
using System.Text;
using Platform.Api.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>How a search's pages are read: newest first, or by check-in (earliest first).</summary>
public enum SearchOrder
{
    Newest,
    CheckIn,
}

/// <summary>
/// What an operator searches reservations by (docs/api.md, Back office), read strictly from the query
/// string (<see cref="StrictQuery"/>). Stays overlap <see cref="StayFrom"/>..<see cref="StayTo"/> (check-out after the first day,
/// check-in before the last), a window of at most <see cref="MaxStayWindowDays"/> days.
/// </summary>
public sealed record SearchFilters(
    string? Status,
    int? AccommodationId,
    string? Owner,
    string? GuestEmail,
    string? GuestPhone,
    DateOnly? StayFrom,
    DateOnly? StayTo,
    DateTime? CreatedFrom,
    DateTime? CreatedTo,
    SearchOrder Order)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>A stay window of up to a year and a day: every stay in it is found through the check-in index, from <see cref="ReservationValidator.MaxNights"/> days before it.</summary>
    public const int MaxStayWindowDays = 366;

    public const string CursorParameter = "cursor";
    public const string LimitParameter = "limit";

    private static readonly string[] Statuses = [ReservationStatus.PreReserved, ReservationStatus.Confirmed, ReservationStatus.Cancelled, ReservationStatus.Expired];

    /// <summary>Every parameter the search takes, with what it means (the OpenAPI document's); the export takes the same but the cursor and limit.</summary>
    public static IReadOnlyList<QueryParameter> Parameters { get; } =
    [
        new("status", "pre_reserved, confirmed, cancelled or expired (a hold past its expiry counts as expired)"),
        new("accommodationId", "one accommodation"),
        new("owner", "the client that created it (its client id; 'anonymous' for guests)"),
        new("guestEmail", "the guest's email, exact (letter case aside)"),
        new("guestPhone", "the guest's phone in E.164 form (encode '+' as %2B)"),
        new("stayFrom", "with stayTo: stays overlapping [stayFrom, stayTo), yyyy-MM-dd, at most 366 days"),
        new("stayTo", "the end of the stay window (exclusive), yyyy-MM-dd"),
        new("createdFrom", "created at or after: yyyy-MM-dd or a time with its offset"),
        new("createdTo", "created before: yyyy-MM-dd or a time with its offset"),
        new("sort", "newest (default: newest first) or checkIn (earliest check-in first)"),
        new(CursorParameter, "the nextCursor of the previous page, with the same filters"),
        new(LimitParameter, "reservations per page, 1 to 200 (default 50)"),
    ];

    /// <summary>
    /// The filters in <paramref name="query"/>, or null with <paramref name="errors"/> saying what is wrong
    /// with each parameter. <paramref name="extra"/> are parameters the caller reads itself (the export's options).
    /// </summary>
    public static SearchFilters? TryRead(IQueryCollection query, Dictionary<string, string[]> errors, IReadOnlyCollection<QueryParameter>? extra = null)
    {
        StrictQuery.Check(query, extra is null ? Parameters : [.. Parameters, .. extra], errors);
        if (errors.Count > 0)
            return null;

        string? Text(string name) => StrictQuery.Text(query, name);

        var status = Text("status");
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
            errors["status"] = [$"must be one of {string.Join(", ", Statuses)}"];

        int? accommodation = null;
        if (Text("accommodationId") is { } a)
        {
            if (int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1)
                accommodation = id;
            else
                errors["accommodationId"] = ["must be a whole number from 1"];
        }

        var owner = Text("owner");
        if (owner is not null && (owner.Length > 64 || !owner.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')))
            errors["owner"] = ["must be a client id: at most 64 of A-Z, a-z, 0-9, '_', '-', '.' and ':'"];

        var email = Text("guestEmail");
        if (email is not null && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsControl)))
            errors["guestEmail"] = ["must be an email address of at most 254 characters"];

        // An unencoded '+' in a query string arrives as a space; read it as the '+' the client meant.
        var phone = Text("guestPhone") is [' ', .. var rest] ? "+" + rest : Text("guestPhone");
        if (phone is not null && !ReservationValidator.IsE164(phone))
            errors["guestPhone"] = ["must be in E.164 form: '+' and 8-15 digits (encode '+' as %2B)"];

        var stayFrom = StrictQuery.Date(query, "stayFrom", errors);
        var stayTo = StrictQuery.Date(query, "stayTo", errors);
        if (stayFrom.HasValue != stayTo.HasValue)
            errors[stayFrom.HasValue ? "stayTo" : "stayFrom"] = ["is required with the other end of the stay window"];
        else if (stayFrom is { } from && stayTo is { } to && (to.DayNumber - from.DayNumber) is < 1 or > MaxStayWindowDays)
            errors["stayTo"] = [$"must be 1 to {MaxStayWindowDays} days after stayFrom"];

        var createdFrom = Time(Text("createdFrom"), "createdFrom", errors);
        var createdTo = Time(Text("createdTo"), "createdTo", errors);
        if (createdFrom is { } cf && createdTo is { } ct && ct <= cf)
            errors["createdTo"] = ["must be after createdFrom"];

        var order = Text("sort") switch
        {
            null or "newest" => SearchOrder.Newest,
            "checkIn" => SearchOrder.CheckIn,
            _ => (SearchOrder?)null,
        };
        if (order is null)
            errors["sort"] = ["must be newest (the default) or checkIn"];

        return errors.Count > 0 ? null : new SearchFilters(status, accommodation, owner, email, phone, stayFrom, stayTo, createdFrom, createdTo, order!.Value);
    }

    /// <summary>The page size: <see cref="DefaultLimit"/> unless <c>limit</c> says 1 to <paramref name="max"/>.</summary>
    public static int? TryReadLimit(IQueryCollection query, Dictionary<string, string[]> errors, int max = MaxLimit)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        if (!query.TryGetValue(LimitParameter, out var value))
            return Math.Min(DefaultLimit, max);
        if (int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max)
            return limit;
        errors[LimitParameter] = [$"must be a whole number from 1 to {max}"];
        return null;
    }

    /// <summary>The filters in one canonical text (the cursor is bound to it): the same search gives the same text, whatever the parameters' order.</summary>
    public string Canonical() => string.Join('\n',
        Status, AccommodationId?.ToString(CultureInfo.InvariantCulture), Owner, GuestEmail?.ToUpperInvariant(), GuestPhone,
        StayFrom?.ToString("O", CultureInfo.InvariantCulture), StayTo?.ToString("O", CultureInfo.InvariantCulture),
        CreatedFrom?.ToString("O", CultureInfo.InvariantCulture), CreatedTo?.ToString("O", CultureInfo.InvariantCulture), Order);

    /// <summary>The filters for an audit line: every value but a guest's email or phone, which show only as given.</summary>
    public string Described()
    {
        var parts = new List<string>();
        void Add(string name, object? value) { if (value is not null) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name}={value}")); }
        Add("status", Status);
        Add("accommodationId", AccommodationId);
        Add("owner", Owner);
        Add("guestEmail", GuestEmail is null ? null : "given");
        Add("guestPhone", GuestPhone is null ? null : "given");
        Add("stayFrom", StayFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("stayTo", StayTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("createdFrom", CreatedFrom?.ToString("O", CultureInfo.InvariantCulture));
        Add("createdTo", CreatedTo?.ToString("O", CultureInfo.InvariantCulture));
        Add("sort", Order == SearchOrder.CheckIn ? "checkIn" : "newest");
        return string.Join(' ', parts);
    }

    // An instant with its offset (RFC 3339), or a date meaning its start in UTC; kept in UTC to the microsecond, as the column is.
    private static DateTime? Time(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
            return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 2200)
            return day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (text.Length >= 20 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            && (text.EndsWith('Z') || text[^6] is '+' or '-') && instant.Year is >= 2000 and <= 2200)
            return new DateTime(instant.UtcDateTime.Ticks - (instant.UtcDateTime.Ticks % 10), DateTimeKind.Utc);
        errors[name] = ["must be a date (yyyy-MM-dd) or a time with its offset (2026-12-07T10:00:00Z), from 2000 to 2200"];
        return null;
    }
}
