using Dapper;
using Platform.Api.BackOffice;
using Platform.Api.Reports;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// The reports' and the free places' statements, and the fold's, as MariaDB plans them: every read of
/// the reservations, their nights, the outbox and the report totals goes through an index by key or
/// range, never a scan. Only the accommodations, the reference table the free places are chosen from,
/// are read whole.
/// </summary>
public sealed class ReportPlanTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly DateTime From = new(2150, 1, 1), To = new(2150, 2, 1);

    public static TheoryData<string> Statements => ["occupancy of all", "occupancy of one", "totals", "free places", "fold"];

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Reads_the_reservations_and_nights_by_index_only(string name)
    {
        var (sql, parameters, index) = name switch
        {
            "occupancy of all" => (OccupancyReport.Sql(false), OccupancyReport.SqlParameters(new OccupancyQuery(new(2150, 1, 1), new(2150, 2, 1), Granularity.Day, null)),
                "PRIMARY"),
            "occupancy of one" => (OccupancyReport.Sql(true), OccupancyReport.SqlParameters(new OccupancyQuery(new(2150, 1, 1), new(2150, 2, 1), Granularity.Day, 12)),
                "PRIMARY"),
            "totals" => (TotalsReport.Sql, new { from = From, to = To }, "PRIMARY"),
            "fold" => (ReportFolder.PendingSql, new { BatchSize = 1000 }, "ix_outbox_folded"),
            _ => (FreePlaces.Sql, (object)new { ids = Enumerable.Range(1, 40), checkIn = From, checkOut = From.AddDays(3) }, "PRIMARY"),
        };
        await using var root = await Fixture.OpenRootAsync();
        var plan = (await root.QueryAsync("EXPLAIN " + sql, parameters)).Cast<IDictionary<string, object>>().ToList();
        var shown = string.Join("; ", plan.Select(row => $"{row["table"]}: {row["type"]} {row["key"]} rows {row["rows"]} '{row["Extra"]}'"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {shown}");
        foreach (var row in plan.Where(row => (string)row["table"] is "n" or "r" or "o" or "report_nights" or "report_created"))
        {
            Assert.True((string)row["type"] is "range" or "ref" or "eq_ref" or "const", shown);
            Assert.NotNull(row["key"]);
        }
        // The nights, the totals or the outbox are read first-hand by the index the statement names.
        Assert.Contains(plan, row => (string)row["table"] is "n" or "o" or "report_nights" or "report_created" && (string)row["key"] == index);
    }
}
