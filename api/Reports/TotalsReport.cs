using Dapper;
using MySqlConnector;
using Platform.Api.BackOffice;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Reservations;

namespace Platform.Api.Reports;

/// <summary>
/// Reservations created in a range of UTC days, counted by status and by owner client (the channel):
/// how many, their nights and their value, by the status stored (a hold past its expiry counts as held
/// until the sweep expires it, as in the occupancy report). One statement over the report totals
/// (<see cref="ReportFolder"/>): a row per day, owner and status.
/// </summary>
public sealed class TotalsReport([FromKeyedServices(Databases.BackOffice)] MySqlDataSource database)
{
    public const int MaxRangeDays = 366;

    public static IReadOnlyList<QueryParameter> Parameters { get; } =
    [
        new("createdFrom", "created on or after this UTC day, yyyy-MM-dd (required)"),
        new("createdTo", "created before this UTC day, yyyy-MM-dd, at most 366 days after createdFrom (required)"),
    ];

    public static TotalsQuery? TryRead(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        StrictQuery.Check(query, Parameters, errors);
        if (errors.Count > 0)
            return null;
        var from = StrictQuery.Date(query, "createdFrom", errors, required: true);
        var to = StrictQuery.Date(query, "createdTo", errors, required: true);
        if (from is { } f && to is { } t && (t.DayNumber - f.DayNumber) is < 1 or > MaxRangeDays)
            errors["createdTo"] = [$"must be 1 to {MaxRangeDays} days after createdFrom"];
        return errors.Count > 0 ? null : new TotalsQuery(from!.Value, to!.Value);
    }

    private sealed class Row
    {
        public string Owner { get; set; } = "";
        public string Status { get; set; } = "";
        public long Reservations { get; set; }
        public long Nights { get; set; }
        public decimal Value { get; set; }
    }

    /// <summary>The report's one statement (internal: a test reads its plan).</summary>
    internal const string Sql = """
        SELECT owner_client AS Owner, CAST(status AS CHAR) AS Status, CAST(SUM(reservations) AS SIGNED) AS Reservations,
               CAST(SUM(nights) AS SIGNED) AS Nights, SUM(value) AS Value
        FROM report_created
        WHERE created_day >= @from AND created_day < @to
        GROUP BY owner_client, status
        """;

    public async Task<TotalsAnswer> ComputeAsync(TotalsQuery report, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(deadline.ReadLimit() + Sql,
            new { from = report.CreatedFrom.ToDateTime(TimeOnly.MinValue), to = report.CreatedTo.ToDateTime(TimeOnly.MinValue) },
            cancellationToken: cancellationToken))).ToList();
        return new TotalsAnswer(report.CreatedFrom, report.CreatedTo,
            Sum(rows, r => r.Status, [ReservationStatus.PreReserved, ReservationStatus.Confirmed, ReservationStatus.Cancelled, ReservationStatus.Expired]),
            Sum(rows, r => r.Owner, []),
            [.. rows.OrderBy(r => r.Owner, StringComparer.Ordinal).ThenBy(r => r.Status, StringComparer.Ordinal)
                .Select(r => new TotalsCell(r.Owner, r.Status, r.Reservations, r.Nights, r.Value))]);
    }

    // Every key of `always` appears, at zero when nothing has it; the others as found, in order.
    private static List<TotalsLine> Sum(List<Row> rows, Func<Row, string> key, string[] always)
    {
        var keys = always.Concat(rows.Select(key).Where(k => !always.Contains(k)).Distinct().Order(StringComparer.Ordinal));
        return [.. keys.Select(k =>
        {
            var of = rows.Where(r => key(r) == k).ToList();
            return new TotalsLine(k, of.Sum(r => r.Reservations), of.Sum(r => r.Nights), of.Sum(r => r.Value));
        })];
    }
}

public sealed record TotalsQuery(DateOnly CreatedFrom, DateOnly CreatedTo);

public sealed record TotalsAnswer(DateOnly CreatedFrom, DateOnly CreatedTo, IReadOnlyList<TotalsLine> ByStatus, IReadOnlyList<TotalsLine> ByOwner,
    IReadOnlyList<TotalsCell> ByOwnerAndStatus);

/// <summary>One status's or one owner's reservations: how many, their nights, their total value.</summary>
public sealed record TotalsLine(string Key, long Reservations, long Nights, decimal Value);

/// <summary>One owner's reservations in one status.</summary>
public sealed record TotalsCell(string Owner, string Status, long Reservations, long Nights, decimal Value);
