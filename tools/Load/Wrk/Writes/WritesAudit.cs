using System.Globalization;
using System.Text;
using Platform.Topology;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// The writes bench's audit of the whole database after the run: what the API and the ceiling added, no
/// night held twice, every reservation with its created event, and the replicas' error and warning log
/// lines written during the bench (counted from where each log ended when it started).
/// </summary>
public sealed class WritesAudit(StateLayout layout, WritesDatabase database)
{
    private readonly Dictionary<string, long> _logStart = [];

    private long _reservations;

    private long _apiReservations;

    private long _ceilingNights;

    /// <summary>Counts and log sizes before the bench.</summary>
    public async Task BeginAsync()
    {
        _reservations = await database.CountAsync("SELECT COUNT(*) FROM reservations");
        _apiReservations = await database.CountAsync(WritesDatabase.ApiReservations);
        _ceilingNights = await database.CountAsync(WritesDatabase.CeilingNights);
        foreach (var log in ReplicaLogs())
            _logStart[log] = new FileInfo(log).Length;
    }

    /// <summary>The audit's lines, after the bench; <paramref name="created"/> is the 201s wrk counted.</summary>
    public async Task<string> ReportAsync(long created)
    {
        var reservations = await database.CountAsync("SELECT COUNT(*) FROM reservations");
        var api = await database.CountAsync(WritesDatabase.ApiReservations);
        var ceiling = await database.CountAsync(WritesDatabase.CeilingNights);
        var text = new StringBuilder("\nDatabase audit (whole database, after the run):\n");
        text.Append(CultureInfo.InvariantCulture,
            $"- reservations: {_reservations} before, {reservations} after (+{reservations - _reservations}); through the API +{api - _apiReservations}, "
            + $"201s counted by wrk {created} (requests still in flight when wrk stops are created but not counted)\n");
        text.Append(CultureInfo.InvariantCulture, $"- through mariadb-slap: +{ceiling - _ceilingNights}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"- (accommodation, night) held more than once: {await database.ScalarAsync("SELECT COUNT(*) FROM (SELECT 1 FROM reservation_nights GROUP BY accommodation_id, night HAVING COUNT(*) > 1) d")} (the primary key forbids it)\n");
        text.Append(CultureInfo.InvariantCulture,
            $"- reservations {reservations}, reservation.created events {await database.ScalarAsync("SELECT COUNT(*) FROM outbox WHERE event_type = 'reservation.created'")}, "
            + $"reservations without their created event {await database.ScalarAsync("SELECT COUNT(*) FROM reservations r WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.reservation_code = r.code AND o.event_type = 'reservation.created')")}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"- pre-reserved reservations without a night {await database.ScalarAsync("SELECT COUNT(*) FROM reservations r WHERE r.status = 'pre_reserved' AND NOT EXISTS (SELECT 1 FROM reservation_nights n WHERE n.reservation_id = r.id)")}; "
            + $"outbox events not yet published {await database.ScalarAsync("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")}\n");
        text.Append(CultureInfo.InvariantCulture, $"- replica log lines during the bench: {CountLogLines("Error")} Error, {CountLogLines("Warning")} Warning\n");
        return text.ToString();
    }

    /// <summary>Lines of <paramref name="logText"/> at <paramref name="level"/> (the replicas log JSON lines).</summary>
    public static int CountLevel(string logText, string level) =>
        logText.Split('\n').Count(line => line.Contains($"\"LogLevel\":\"{level}\"", StringComparison.Ordinal));

    private IEnumerable<string> ReplicaLogs() =>
        Directory.Exists(layout.Logs) ? Directory.EnumerateFiles(layout.Logs, "api-*.log").Order(StringComparer.Ordinal) : [];

    private int CountLogLines(string level)
    {
        var total = 0;
        foreach (var log in ReplicaLogs())
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = _logStart.GetValueOrDefault(log);
            stream.Seek(start <= stream.Length ? start : 0, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            total += CountLevel(reader.ReadToEnd(), level);
        }
        return total;
    }
}
