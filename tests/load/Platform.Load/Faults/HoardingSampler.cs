using System.Globalization;
using System.Text;
using MySqlConnector;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Faults;

/// <summary>
/// What anonymous callers hold at one moment: nights held (pre_reserved or confirmed) in the next 365
/// days, as a share of every accommodation's 365 nights; and the most active holds and held nights of
/// any one anonymous holder (null when the schema has no <c>holder</c> column yet).
/// </summary>
public sealed record HoardingSample(double AtMs, long HeldNights, double HeldShare, long? MaxHolderHolds, long? MaxHolderNights);

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
    private bool _hasHolder;

    public List<HoardingSample> Samples { get; } = [];

    /// <summary>The first UTC day the window counts (the API's "today").</summary>
    public DateOnly Today { get; } = DateOnly.FromDateTime(DateTime.UtcNow);

    public long Accommodations => _accommodations;

    /// <summary>False until the schema has a <c>holder</c> column: the per-holder figures are then "n/a".</summary>
    public bool HasHolder => _hasHolder;

    /// <summary>Reads what does not change during the run: the accommodations' count and whether <c>holder</c> exists.</summary>
    public async Task PrepareAsync()
    {
        await using var connection = new MySqlConnection(dbConnection);
        await connection.OpenAsync();
        _accommodations = await ScalarAsync(connection, "SELECT COUNT(*) FROM accommodations");
        _hasHolder = await ScalarAsync(connection, """
            SELECT COUNT(*) FROM information_schema.columns
            WHERE table_schema = DATABASE() AND table_name = 'reservations' AND column_name = 'holder'
            """) > 0;
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
        long? holds = null, nights = null;
        if (_hasHolder)
        {
            await using var command = new MySqlCommand($"""
                SELECT COALESCE(MAX(h.holds), 0), COALESCE(MAX(h.nights), 0) FROM (
                    SELECT COUNT(*) AS holds, SUM(nights) AS nights FROM reservations
                    WHERE owner_client = @anonymous AND status IN {Live} AND holder IS NOT NULL
                    GROUP BY holder) h
                """, connection) { CommandTimeout = 30 };
            command.Parameters.AddWithValue("@anonymous", Anonymous);
            await using var reader = await command.ExecuteReaderAsync();
            if (await reader.ReadAsync())
                (holds, nights) = (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
        }

        var capacity = Math.Max(1, _accommodations * HorizonDays);
        return new HoardingSample(atMs, held, 100.0 * held / capacity, holds, nights);
    }

    public string ToCsv()
    {
        var text = new StringBuilder("offset_s,anonymous_held_nights,held_share_percent,max_holder_holds,max_holder_nights\n");
        foreach (var s in Samples)
            text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), Csv.Number(s.HeldNights), Csv.Number(s.HeldShare),
                s.MaxHolderHolds is { } h ? Csv.Number(h) : "n/a", s.MaxHolderNights is { } n ? Csv.Number(n) : "n/a")).Append('\n');
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
