using System.Globalization;
using System.Text;
using MySqlConnector;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Faults;

/// <summary>
/// What anonymous callers hold at one moment: nights held (pre_reserved or confirmed) in the next 365
/// days, as a share of every accommodation's 365 nights; the most active holds and held nights of any
/// one anonymous holder; and how many holders hold more than the quota their counter row records
/// (counted from the reservations themselves, not from the counter).
/// </summary>
public sealed record HoardingSample(double AtMs, long HeldNights, double HeldShare, long MaxHolderHolds, long MaxHolderNights, long HoldersOverQuota);

/// <summary>
/// Each second, straight from MariaDB (the bench's own connection, as the audit reads it): the share of
/// the next year's nights anonymous callers hold, and the heaviest anonymous holder.
/// </summary>
public sealed class HoardingSampler(string dbConnection, RunClock clock)
{
    public const int HorizonDays = 365;
    private const string Anonymous = "anonymous";
    private const string Live = "('pre_reserved','confirmed')";
    private long _accommodations;

    public List<HoardingSample> Samples { get; } = [];

    /// <summary>The first UTC day the window counts (the API's "today").</summary>
    public DateOnly Today { get; } = DateOnly.FromDateTime(DateTime.UtcNow);

    public long Accommodations => _accommodations;

    /// <summary>Reads what does not change during the run: the accommodations' count.</summary>
    public async Task PrepareAsync()
    {
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        _accommodations = await ScalarAsync(connection, "SELECT COUNT(*) FROM accommodations");
    }

    public Task RunAsync(CancellationToken stop) => Sampling.EveryAsync(TimeSpan.FromSeconds(1), async () =>
    {
        try
        {
            var sample = await SampleAsync(clock.ElapsedMs);
            lock (Samples)
                Samples.Add(sample);
        }
        catch (MySqlException)
        {
            // A second the database could not answer is a gap in the samples, not the end of the run.
        }
    }, stop);

    public async Task<HoardingSample> SampleAsync(double atMs)
    {
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        var held = await ScalarAsync(connection, $"""
            SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id
            WHERE r.owner_client = @anonymous AND r.status IN {Live} AND n.night >= @from AND n.night < @to
            """);
        // Per holder, from the live reservations; beside it the quota its counter row was last given
        // (from the holder's signed limits), so an address over its quota shows whatever the counter says.
        await using var command = new MySqlCommand($"""
            SELECT COALESCE(MAX(h.holds), 0), COALESCE(MAX(h.nights), 0),
                   COALESCE(SUM(h.holds > c.max_holds OR h.nights > c.max_nights), 0)
            FROM (SELECT holder, COUNT(*) AS holds, SUM(nights) AS nights FROM reservations
                  WHERE owner_client = @anonymous AND status = 'pre_reserved' AND holder IS NOT NULL
                  GROUP BY holder) h
            LEFT JOIN hold_counters c ON c.holder = h.holder
            """, connection) { CommandTimeout = 30 };
        command.Parameters.AddWithValue("@anonymous", Anonymous);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        long Column(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        var (holds, nights, over) = (Column(0), Column(1), Column(2));

        var capacity = Math.Max(1, _accommodations * HorizonDays);
        return new HoardingSample(atMs, held, 100.0 * held / capacity, holds, nights, over);
    }

    public string ToCsv()
    {
        var text = new StringBuilder("offset_s,anonymous_held_nights,held_share_percent,max_holder_holds,max_holder_nights,holders_over_quota\n");
        foreach (var s in Samples)
            text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), Csv.Number(s.HeldNights), Csv.Number(s.HeldShare),
                Csv.Number(s.MaxHolderHolds), Csv.Number(s.MaxHolderNights), Csv.Number(s.HoldersOverQuota))).Append('\n');
        return text.ToString();
    }

    private async Task<long> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 30 };
        command.Parameters.AddWithValue("@anonymous", Anonymous);
        command.Parameters.AddWithValue("@from", Today.ToDateTime(TimeOnly.MinValue));
        // Today is never near the end of the calendar, so the horizon's end is always a date.
        command.Parameters.AddWithValue("@to", Today.AddDays(HorizonDays).ToDateTime(TimeOnly.MinValue));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
