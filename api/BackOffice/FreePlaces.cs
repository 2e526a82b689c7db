using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Reservations;
using Platform.Contracts.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>
/// Which places are free for a stay, for N guests, cheapest first (docs/api.md, Back office): the
/// heaviest read a reservation system serves, as one statement. Every accommodation that sleeps the
/// guests is probed by the nights' primary key (accommodation, night) for a held night in the stay, an
/// anti-join (forced: on a small table the planner picked the night index, every place's nights of
/// those days for each place);
/// the price is the stay's as a create would charge it (<see cref="StayPrice"/>), which for one stay is
/// a weekday count and a weekend count shared by every place, so the ordering needs no per-row walk.
/// A night is held while a reservation holds it (a hold past its expiry until the sweep releases it, as
/// a create would find it).
/// </summary>
public sealed class FreePlaces([FromKeyedServices(Databases.BackOffice)] MySqlDataSource database)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 200;
    public const int MaxGuests = 50;

    public static IReadOnlyList<string> Parameters { get; } = ["checkIn", "checkOut", "guests", "limit"];

    /// <summary>The stay asked for, or null with <paramref name="errors"/> saying what is wrong with each parameter.</summary>
    public static FreePlacesQuery? TryRead(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        StrictQuery.Check(query, Parameters, errors);
        if (errors.Count > 0)
            return null;
        var checkIn = StrictQuery.Date(query, "checkIn", errors, required: true);
        var checkOut = StrictQuery.Date(query, "checkOut", errors, required: true);
        if (checkIn is { } from && checkOut is { } to && (to.DayNumber - from.DayNumber) is < 1 or > ReservationValidator.MaxNights)
            errors["checkOut"] = [$"must be 1 to {ReservationValidator.MaxNights} nights after checkIn"];
        var guests = StrictQuery.Whole(query, "guests", 1, MaxGuests, 1, errors);
        var limit = StrictQuery.Whole(query, "limit", 1, MaxLimit, DefaultLimit, errors);
        return errors.Count > 0 ? null : new FreePlacesQuery(checkIn!.Value, checkOut!.Value, guests, limit);
    }

    /// <summary>The one statement (internal: a test reads its plan).</summary>
    internal const string Sql = """
        SELECT a.id AS AccommodationId, a.name AS Name, a.capacity AS Capacity, a.nightly_price AS NightlyPrice,
               a.weekend_price AS WeekendPrice, @weekdays * a.nightly_price + @weekend * a.weekend_price AS TotalPrice
        FROM accommodations a
        LEFT JOIN reservation_nights n FORCE INDEX (PRIMARY)
               ON n.accommodation_id = a.id AND n.night >= @checkIn AND n.night < @checkOut
        WHERE a.capacity >= @guests AND n.accommodation_id IS NULL
        ORDER BY TotalPrice, a.id
        LIMIT @limit
        """;

    public async Task<FreePlacesAnswer> FindAsync(FreePlacesQuery stay, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var nights = stay.CheckOut.DayNumber - stay.CheckIn.DayNumber;
        var weekend = StayPrice.WeekendNights(stay.CheckIn, nights);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var places = (await connection.QueryAsync<FreePlace>(new CommandDefinition(deadline.ReadLimit() + Sql, new
        {
            weekdays = nights - weekend,
            weekend,
            stay.Guests,
            checkIn = stay.CheckIn.ToDateTime(TimeOnly.MinValue),
            checkOut = stay.CheckOut.ToDateTime(TimeOnly.MinValue),
            stay.Limit,
        }, cancellationToken: cancellationToken))).ToList();
        return new FreePlacesAnswer(stay.CheckIn, stay.CheckOut, nights, stay.Guests, places);
    }
}

public sealed record FreePlacesQuery(DateOnly CheckIn, DateOnly CheckOut, int Guests, int Limit);

public sealed record FreePlacesAnswer(DateOnly CheckIn, DateOnly CheckOut, int Nights, int Guests, IReadOnlyList<FreePlace> Accommodations);

public sealed record FreePlace(int AccommodationId, string Name, int Capacity, decimal NightlyPrice, decimal WeekendPrice, decimal TotalPrice)
{
    // Dapper materialises through this: the capacity column is a TINYINT UNSIGNED.
    public FreePlace(uint AccommodationId, string Name, byte Capacity, decimal NightlyPrice, decimal WeekendPrice, decimal TotalPrice)
        : this((int)AccommodationId, Name, (int)Capacity, NightlyPrice, WeekendPrice, TotalPrice)
    {
    }
}
