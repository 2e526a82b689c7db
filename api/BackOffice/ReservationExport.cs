using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>What an export leaves out or adds: the spreadsheets' byte order mark, and whether guests' names, emails and phones are in it.</summary>
public sealed record ExportShape(bool ByteOrderMark, bool PersonalData);

/// <summary>
/// The back office's CSV export (docs/api.md, Back office): the search's filters and order, every row,
/// streamed from the database to the client as it is read. Constant memory: Dapper's unbuffered query
/// yields one row at a time from MySqlConnector's reader, and the CSV writer sends its 64 KiB buffer on as
/// it fills, so a million rows cost what a few rows do. On its own pool (<see cref="Databases.Export"/>),
/// under its own deadline, paced (<see cref="ExportPacing"/>), stopped when the client goes away. Who exported what, and how many rows, is an
/// audit line and a metric; neither holds a row or a guest's filter value.
/// </summary>
public sealed partial class ReservationExport(
    [FromKeyedServices(Databases.Export)] MySqlDataSource database, ExportPacing pacing, TimeProvider clock, ILogger<ReservationExport> logger)
{
    private static readonly string[] AllColumns =
        ["code", "status", "accommodation_id", "check_in", "check_out", "nights", "guests", "total_price", "owner_client", "created_at", "updated_at", "expires_at",
         "guest_name", "guest_email", "guest_phone"];

    private const int PersonalColumns = 3;

    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    /// <summary>The columns of an export of <paramref name="shape"/>, in order: the header row.</summary>
    public static IReadOnlyList<string> Columns(ExportShape shape) => shape.PersonalData ? AllColumns : AllColumns[..^PersonalColumns];

    /// <summary>Writes the export to <paramref name="body"/>; returns how many rows it wrote. Throws what stopped it.</summary>
    public async Task<long> WriteAsync(SearchFilters filters, ExportShape shape, string client, Stream body, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        long rows = 0;
        var outcome = ExportMetrics.Failed;
        try
        {
            var now = Now();
            var statement = SearchPlan.For(filters, int.MaxValue, null, now,
                shape.PersonalData ? AdminReservationRows.Columns : AdminReservationRows.ColumnsWithoutGuest);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var csv = CsvWriter.Create(body, new CsvWriterOptions { WriteByteOrderMark = shape.ByteOrderMark, Injection = CsvInjection.None }, leaveOpen: true);
            csv.WriteHeader([.. Columns(shape)]);
            // The header at once, then whatever is buffered every few seconds: a proxy on the way (the
            // gateway's 30 s activity timeout) sees a live transfer however selective the filters are.
            await csv.FlushAsync(cancellationToken);
            var flushed = elapsed.Elapsed;
            // The server stops the statement at the deadline (ReadLimit); the client waits a little longer for it to say so.
            var rowsRead = connection.QueryUnbufferedAsync<ReservationRow>(deadline.ReadLimit() + statement.Sql, statement.Parameters,
                commandTimeout: (int)Math.Ceiling(deadline.Remaining.TotalSeconds) + 5);
            await foreach (var row in rowsRead.WithCancellation(cancellationToken))
            {
                Write(csv, row.ToAdminView(now), shape);
                await csv.EndRecordAsync(cancellationToken);
                rows++;
                if (rows % ExportPacing.Chunk == 0)
                    await pacing.WaitAsync(ExportPacing.Chunk, cancellationToken);
                if (elapsed.Elapsed - flushed > FlushInterval)
                {
                    await csv.FlushAsync(cancellationToken);
                    flushed = elapsed.Elapsed;
                }
            }
            await csv.FlushAsync(cancellationToken);
            outcome = ExportMetrics.Completed;
            return rows;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            outcome = deadline.HasPassed ? ExportMetrics.DeadlinePassed : ExportMetrics.ClientGone;
            throw;
        }
        finally
        {
            ExportMetrics.Count(outcome, rows);
            LogExport(outcome, client, rows, filters.Described(), shape.PersonalData, elapsed.Elapsed.TotalSeconds);
        }
    }

    private static void Write(CsvWriter csv, AdminReservation r, ExportShape shape)
    {
        csv.WriteField(r.Code);
        csv.WriteField(r.Status);
        csv.WriteField(r.AccommodationId, default);
        csv.WriteField(r.CheckIn, "yyyy-MM-dd");
        csv.WriteField(r.CheckOut, "yyyy-MM-dd");
        csv.WriteField(r.Nights, default);
        csv.WriteField(r.Guests, default);
        csv.WriteField(r.TotalPrice, "F2");
        csv.WriteField(FormulaGuard.Neutralise(r.OwnerClient));
        csv.WriteField(r.CreatedAt, "O");
        csv.WriteField(r.UpdatedAt, "O");
        csv.WriteField(r.ExpiresAt, "O");
        if (shape.PersonalData)
        {
            csv.WriteField(FormulaGuard.Neutralise(r.GuestName));
            csv.WriteField(FormulaGuard.Neutralise(r.GuestEmail));
            csv.WriteField(FormulaGuard.Neutralise(r.GuestPhone));
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();

    // The audit line: who, which filters (a guest's email or phone only as "given"), how many rows, how it ended.
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "Export {Outcome} for client {Client}: {Rows} rows, filters {Filters}, personal data {PersonalData}, {Seconds:F1} s")]
    private partial void LogExport(string outcome, string client, long rows, string filters, bool personalData, double seconds);
}
