using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.BackOffice;
using Platform.Api.Deadlines;

namespace Platform.Api.Reports;

/// <summary>How a report's days are grouped: UTC days, ISO weeks (from Monday), calendar months.</summary>
public enum Granularity { Day, Week, Month }

/// <summary>
/// Occupancy and revenue per day, week or month over a range of nights (docs/api.md, Back office),
/// for one accommodation or all of them. A night is sold when a confirmed reservation holds it, held
/// when a pre-reservation does (one past its expiry too, until the sweep releases it, as a create
/// would find it); both are shown, and occupancy both ways. Revenue is attributed to the nights
/// stayed, each at the price a create charged for it (Friday and Saturday at the weekend price), so a
/// stay's nights add up to its total. One statement: every place's nights from the report totals (one
/// row a night), one place's from the raw tables; the buckets are summed here.
/// </summary>
public sealed class OccupancyReport([FromKeyedServices(Databases.BackOffice)] MySqlDataSource database)
{
    public const int MaxRangeDays = 366;

    public static IReadOnlyList<QueryParameter> Parameters { get; } =
    [
        new("from", "the first night, yyyy-MM-dd (required)"),
        new("to", "the night after the last, yyyy-MM-dd, at most 366 days after from (required)"),
        new("granularity", "day (default), week (ISO, from Monday) or month; the first and last bucket are cut to the range"),
        new("accommodationId", "one accommodation; all of them when absent"),
    ];

    public static OccupancyQuery? TryRead(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        StrictQuery.Check(query, Parameters, errors);
        if (errors.Count > 0)
            return null;
        var from = StrictQuery.Date(query, "from", errors, required: true);
        var to = StrictQuery.Date(query, "to", errors, required: true);
        if (from is { } f && to is { } t && (t.DayNumber - f.DayNumber) is < 1 or > MaxRangeDays)
            errors["to"] = [$"must be 1 to {MaxRangeDays} days after from"];
        var granularity = StrictQuery.Text(query, "granularity") switch
        {
            null or "day" => Granularity.Day,
            "week" => Granularity.Week,
            "month" => Granularity.Month,
            _ => (Granularity?)null,
        };
        if (granularity is null)
            errors["granularity"] = ["must be day (the default), week or month"];
        int? accommodation = StrictQuery.Text(query, "accommodationId") is null ? null : StrictQuery.Whole(query, "accommodationId", 1, int.MaxValue, 0, errors);
        return errors.Count > 0 ? null : new OccupancyQuery(from!.Value, to!.Value, granularity!.Value, accommodation);
    }

    /// <summary>One night's nights sold and held, and their revenue.</summary>
    internal sealed class NightRow
    {
        public DateTime Night { get; set; }
        public long NightsConfirmed { get; set; }
        public long NightsHeld { get; set; }
        public decimal RevenueConfirmed { get; set; }
        public decimal RevenueHeld { get; set; }
    }

    public async Task<OccupancyAnswer> ComputeAsync(OccupancyQuery report, int accommodations, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var oneAccommodation = report.AccommodationId is not null;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NightRow>(new CommandDefinition(deadline.ReadLimit() + Sql(oneAccommodation), SqlParameters(report),
            cancellationToken: cancellationToken));

        var buckets = Buckets(report).Select(b => new Totals(b.Start, b.End)).ToList();
        foreach (var row in rows)
        {
            var bucket = buckets[BucketIndex(buckets, DateOnly.FromDateTime(row.Night))];
            bucket.NightsConfirmed += row.NightsConfirmed;
            bucket.NightsHeld += row.NightsHeld;
            bucket.RevenueConfirmed += row.RevenueConfirmed;
            bucket.RevenueHeld += row.RevenueHeld;
        }
        var places = oneAccommodation ? 1 : accommodations;
        return new OccupancyAnswer(report.From, report.To, report.Granularity.ToString().ToLowerInvariant(), report.AccommodationId, places,
            [.. buckets.Select(b => b.ToBucket(places))]);
    }

    /// <summary>
    /// The report's one statement (internal: a test reads its plan): every place's nights from the
    /// totals (<see cref="ReportFolder"/>), one row a night; one place's from the raw tables along its
    /// primary key (at most a year of nights, so no totals are kept per place).
    /// </summary>
    internal static string Sql(bool oneAccommodation) => oneAccommodation
        ? RawNightsSql("PRIMARY", "WHERE n.accommodation_id = @accommodationId AND n.night >= @from AND n.night < @to")
        : """
          SELECT night AS Night, nights_confirmed AS NightsConfirmed, nights_held AS NightsHeld,
                 revenue_confirmed AS RevenueConfirmed, revenue_held AS RevenueHeld
          FROM report_nights WHERE night >= @from AND night < @to
          """;

    /// <summary>
    /// Nights sold and held per night from the raw tables, each night at the price a create charged for
    /// it (Friday and Saturday at the weekend price, as <see cref="Platform.Contracts.Reservations.StayPrice"/>):
    /// one place's here, every place's when the totals are built.
    /// </summary>
    internal static string RawNightsSql(string index, string where) => $"""
        SELECT n.night AS Night,
               CAST(SUM(r.status = 'confirmed') AS SIGNED) AS NightsConfirmed, CAST(SUM(r.status = 'pre_reserved') AS SIGNED) AS NightsHeld,
               SUM(IF(r.status = 'confirmed', {NightPrice}, 0)) AS RevenueConfirmed, SUM(IF(r.status = 'pre_reserved', {NightPrice}, 0)) AS RevenueHeld
        FROM reservation_nights n FORCE INDEX ({index})
        JOIN reservations r ON r.id = n.reservation_id
        JOIN accommodations a ON a.id = n.accommodation_id
        {where}
        GROUP BY n.night
        """;

    private const string NightPrice = "IF(DAYOFWEEK(n.night) IN (6, 7), a.weekend_price, a.nightly_price)";

    internal static object SqlParameters(OccupancyQuery report) => new
    {
        from = report.From.ToDateTime(TimeOnly.MinValue),
        to = report.To.ToDateTime(TimeOnly.MinValue),
        accommodationId = report.AccommodationId,
    };

    /// <summary>The buckets of the range, each cut to it: the first and last week or month may be partial.</summary>
    internal static IEnumerable<(DateOnly Start, DateOnly End)> Buckets(OccupancyQuery report)
    {
        var start = report.From;
        while (start < report.To)
        {
            var next = report.Granularity switch
            {
                Granularity.Day => start.AddDays(1),
                Granularity.Week => start.AddDays(7 - ((int)start.DayOfWeek + 6) % 7),
                _ => new DateOnly(start.Year, start.Month, 1).AddMonths(1),
            };
            var end = next < report.To ? next : report.To;
            yield return (start, end);
            start = end;
        }
    }

    private static int BucketIndex(List<Totals> buckets, DateOnly night)
    {
        var (low, high) = (0, buckets.Count - 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (buckets[middle].Start <= night)
                low = middle;
            else
                high = middle - 1;
        }
        return low;
    }

    private sealed class Totals(DateOnly start, DateOnly end)
    {
        public DateOnly Start { get; } = start;
        public long NightsConfirmed { get; set; }
        public long NightsHeld { get; set; }
        public decimal RevenueConfirmed { get; set; }
        public decimal RevenueHeld { get; set; }

        public OccupancyBucket ToBucket(int places)
        {
            long available = (long)places * (end.DayNumber - Start.DayNumber);
            return new OccupancyBucket(Start, end, available, NightsConfirmed, NightsHeld,
                Ratio(NightsConfirmed, available), Ratio(NightsConfirmed + NightsHeld, available), RevenueConfirmed, RevenueHeld);
        }

        private static decimal Ratio(long part, long whole) => whole == 0 ? 0 : Math.Round((decimal)part / whole, 4);
    }
}

public sealed record OccupancyQuery(DateOnly From, DateOnly To, Granularity Granularity, int? AccommodationId);

public sealed record OccupancyAnswer(DateOnly From, DateOnly To, string Granularity, int? AccommodationId, int Accommodations,
    IReadOnlyList<OccupancyBucket> Buckets);

/// <summary>One bucket: <c>[Start, End)</c>, nights available in it, sold (confirmed) and held (pre-reserved), occupancy both ways, revenue both ways.</summary>
public sealed record OccupancyBucket(DateOnly Start, DateOnly End, long NightsAvailable, long NightsConfirmed, long NightsHeld,
    decimal OccupancyConfirmed, decimal OccupancyWithHolds, decimal RevenueConfirmed, decimal RevenueHeld);
