using Dapper;
using MySqlConnector;
using Platform.Api.Accommodations;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Reservations;
using Platform.Contracts.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>
/// Which places are free for a stay, for N guests, cheapest first (docs/api.md, Back office): the
/// heaviest read a reservation system serves. The price is the stay's as a create would charge it
/// (<see cref="StayPrice"/>), so the places that sleep the guests are put in price order in memory
/// from the catalog the replica already holds, and only then asked about: the cheapest twice the limit
/// first, then twice as many each round, each round one statement probing the nights' primary key
/// (accommodation, night) over the stay for those places. A calendar that is not full answers in one round of 40 probes, not
/// 1,000 probes and a sort. A night is held while a reservation holds it (a hold past its expiry until
/// the sweep releases it, as a create would find it). No library orders by a price the database does
/// not store; hence this.
/// </summary>
public sealed class FreePlaces([FromKeyedServices(Databases.BackOffice)] MySqlDataSource database, AccommodationCatalog catalog)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 200;
    public const int MaxGuests = 50;

    public static IReadOnlyList<QueryParameter> Parameters { get; } =
    [
        new("checkIn", "the stay's first night, yyyy-MM-dd (required)"),
        new("checkOut", "the day the stay ends, yyyy-MM-dd, 1 to 30 nights after checkIn (required)"),
        new("guests", "how many the place must sleep, 1 to 50 (default 1)"),
        new("limit", "places to list, 1 to 200 (default 20)"),
    ];

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

    /// <summary>Which of the places asked about hold a night of the stay (internal: a test reads its plan).</summary>
    internal const string Sql = """
        SELECT DISTINCT n.accommodation_id FROM reservation_nights n FORCE INDEX (PRIMARY)
        WHERE n.accommodation_id IN @ids AND n.night >= @checkIn AND n.night < @checkOut
        """;

    public async Task<FreePlacesAnswer> FindAsync(FreePlacesQuery stay, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var nights = stay.CheckOut.DayNumber - stay.CheckIn.DayNumber;
        var candidates = catalog.All.Where(a => a.Capacity >= stay.Guests)
            .Select(a => (Place: a, Total: StayPrice.Total(stay.CheckIn, nights, a.NightlyPrice, a.WeekendPrice)))
            .OrderBy(c => c.Total).ThenBy(c => c.Place.Id).ToList();
        var free = new List<FreePlace>(stay.Limit);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        for (int next = 0, round = stay.Limit * 2; free.Count < stay.Limit && next < candidates.Count; next += round, round *= 2)
        {
            var asked = candidates.Skip(next).Take(round).ToList();
            var held = (await connection.QueryAsync<uint>(new CommandDefinition(deadline.ReadLimit() + Sql, new
            {
                ids = asked.Select(c => c.Place.Id),
                checkIn = stay.CheckIn.ToDateTime(TimeOnly.MinValue),
                checkOut = stay.CheckOut.ToDateTime(TimeOnly.MinValue),
            }, cancellationToken: cancellationToken))).ToHashSet();
            free.AddRange(asked.Where(c => !held.Contains((uint)c.Place.Id)).Take(stay.Limit - free.Count)
                .Select(c => new FreePlace(c.Place.Id, c.Place.Name, c.Place.Capacity, c.Place.NightlyPrice, c.Place.WeekendPrice, c.Total)));
        }
        return new FreePlacesAnswer(stay.CheckIn, stay.CheckOut, nights, stay.Guests, free);
    }
}

public sealed record FreePlacesQuery(DateOnly CheckIn, DateOnly CheckOut, int Guests, int Limit);

public sealed record FreePlacesAnswer(DateOnly CheckIn, DateOnly CheckOut, int Nights, int Guests, IReadOnlyList<FreePlace> Accommodations);

public sealed record FreePlace(int AccommodationId, string Name, int Capacity, decimal NightlyPrice, decimal WeekendPrice, decimal TotalPrice);
