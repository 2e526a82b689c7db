using System.Globalization;
using System.Net;
using Platform.Load.Traffic;
using Platform.Topology.Files;

namespace Platform.Load.Workload;

/// <summary>
/// What an operator asks the back office, one request a turn: ~55 % a search (a status over a week of
/// stays by check-in, one accommodation's newest, one channel's last month, the newest confirmed), ~35 %
/// a report (occupancy of every place by week over a month, one place by month over a year, the
/// month's totals by status and channel), ~10 % the places free for a stay of three nights for two.
/// Dates around today, where a seeded database (<c>./platform seed</c>) has its stays. And the export,
/// streamed and counted, never held in memory.
/// </summary>
public static class BackOfficeTraffic
{
    private static readonly string[] Statuses = ["pre_reserved", "confirmed", "cancelled", "expired"];

    private static readonly string[] Owners =
        [.. BenchClients.Names.Select(BenchClients.ClientId), Platform.Contracts.Identity.IdentityNames.AnonymousClient];

    public static Task<RequestRecord> SendAsync(ReservationMix.Outgoing call)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var random = Random.Shared;
        var roll = random.Next(100);
        var (path, endpoint) = roll switch
        {
            < 15 => ($"/api/v1/admin/reservations?status={Statuses[random.Next(Statuses.Length)]}&stayFrom={Date(today.AddDays(random.Next(-90, 60)), out var week)}&stayTo={Date(week.AddDays(7), out _)}&sort=checkIn&limit=50", Endpoints.Search),
            < 30 => ($"/api/v1/admin/reservations?accommodationId={random.Next(1, StayPlanner.Accommodations + 1)}&limit=50", Endpoints.Search),
            < 45 => ($"/api/v1/admin/reservations?owner={Owners[random.Next(Owners.Length)]}&createdFrom={Date(today.AddDays(-30), out _)}&limit=50", Endpoints.Search),
            < 55 => ("/api/v1/admin/reservations?status=confirmed&limit=50", Endpoints.Search),
            < 70 => ($"/api/v1/admin/reports/occupancy?from={Date(Month(today, random.Next(-3, 3)), out var month)}&to={Date(month.AddMonths(1), out _)}&granularity=week", Endpoints.Report),
            < 80 => ($"/api/v1/admin/reports/occupancy?from={Date(Month(today, -6), out var year)}&to={Date(year.AddYears(1), out _)}&granularity=month&accommodationId={random.Next(1, StayPlanner.Accommodations + 1)}", Endpoints.Report),
            < 90 => ($"/api/v1/admin/reports/totals?createdFrom={Date(Month(today, 0), out var first)}&createdTo={Date(first.AddMonths(1), out _)}", Endpoints.Report),
            _ => ($"/api/v1/admin/availability?checkIn={Date(today.AddDays(random.Next(1, 90)), out var checkIn)}&checkOut={Date(checkIn.AddDays(3), out _)}&guests=2&limit=20", Endpoints.FreePlaces),
        };
        return GetAsync(call, path, endpoint);
    }

    private static async Task<RequestRecord> GetAsync(ReservationMix.Outgoing call, string path, string endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return (await ReservationMix.SendAsync(call, request, endpoint, HttpStatusCode.OK, null)).Record;
    }

    /// <summary>
    /// Every reservation as CSV without personal data, read as it streams and counted by line, through
    /// <paramref name="http"/> (whose timeout must allow minutes); the record's latency is the whole transfer.
    /// </summary>
    public static async Task<(RequestRecord Record, long Rows)> ExportAsync(HttpClient http, string client, RunClock clock)
    {
        var started = clock.ElapsedMs;
        long rows = 0;
        int status = 0;
        try
        {
            using var response = await http.GetAsync("/api/v1/admin/reservations/export?personalData=false", HttpCompletionOption.ResponseHeadersRead);
            status = (int)response.StatusCode;
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
                rows += buffer.AsSpan(0, read).Count((byte)'\n');
            var ok = response.StatusCode == HttpStatusCode.OK;
            return (new RequestRecord(started, clock.ElapsedMs - started, Endpoints.Export, client, status, null,
                Answers.Replica(response), !ok), Math.Max(0, rows - 1));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return (new RequestRecord(started, clock.ElapsedMs - started, Endpoints.Export, client, status, "cut-short", null, Failed: true), Math.Max(0, rows - 1));
        }
    }

    private static DateOnly Month(DateOnly today, int offset) => new DateOnly(today.Year, today.Month, 1).AddMonths(offset);

    private static string Date(DateOnly date, out DateOnly value)
    {
        value = date;
        return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
