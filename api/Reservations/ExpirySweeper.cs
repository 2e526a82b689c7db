using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Database;

namespace Platform.Api.Reservations;

/// <summary>
/// Expires pre-reservations whose hold has passed and frees their nights. The replica holding the
/// expiry-sweep lease (<see cref="ClusterLease"/>) sweeps; the others stand by to take over. Should two
/// sweep at once while the lease changes hands, <c>FOR UPDATE SKIP LOCKED</c> hands them different rows
/// (on Galera, certification refuses the second) and the status guard in the UPDATE makes a row expire
/// once, so each expiry emits exactly one event. Its statements are
/// bounded by <c>Database:BackgroundStatementTimeoutSeconds</c>: during a stall a sweep gives its
/// connection back and tries again at the next interval.
/// </summary>
public sealed partial class ExpirySweeper(
    [FromKeyedServices(Databases.Background)] MySqlDataSource database,
    IOptions<ReservationOptions> options,
    IOptions<DatabaseOptions> databaseOptions,
    HoldQuotas quotas,
    ClusterLeases leases,
    WriteBatches batches,
    TimeProvider clock,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    private readonly ClusterLease _lease = leases.Create(ClusterLeases.ExpirySweep);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Sweep until a batch comes back short, then rest.
                while (await _lease.TryHoldAsync(stoppingToken)
                       && await SweepBatchAsync(settings.ExpirySweepBatchSize, stoppingToken) == settings.ExpirySweepBatchSize)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex) || ex is MySqlException { Number: DatabaseErrors.Deadlock })
            {
                // A deadlock with another replica's sweep (both releasing one holder's counter) rolled this
                // batch back whole; the next sweep takes it again.
                LogSweepFailed(ex.Message);
            }

            try
            {
                // The gauge of anonymous held nights against their budget, for the alert that they near it.
                quotas.Publish(await ReadAnonymousHeldNightsAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
            {
                LogSweepFailed(ex.Message);
            }

            try
            {
                // Jitter keeps the replicas from sweeping in lockstep.
                var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(1000, settings.ExpirySweepInterval.TotalMilliseconds / 10) + 1));
                await Task.Delay(settings.ExpirySweepInterval + jitter, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Hands the lease over as the replica stops, so the next sweep need not wait for it to run out.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _lease.ReleaseAsync(cancellationToken);
    }

    /// <summary>Expires up to <paramref name="batchSize"/> reservations in one transaction; returns how many.</summary>
    public async Task<int> SweepBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var rows = (await connection.QueryAsync<ReservationRow>(new CommandDefinition($"""
                {StatementLimits.Session(TimeSpan.FromSeconds(databaseOptions.Value.BackgroundStatementTimeoutSeconds))}
                {Transactions.BeginReadCommitted}
                SELECT {ReservationRow.Columns} FROM reservations r
                WHERE r.status = 'pre_reserved' AND r.expires_at <= @now
                ORDER BY r.expires_at LIMIT @batchSize
                FOR UPDATE SKIP LOCKED
                """, new { now, batchSize }, cancellationToken: CancellationToken.None))).ToList();
            if (rows.Count == 0)
            {
                await connection.ExecuteAsync("COMMIT");
                return 0;
            }

            var parameters = new DynamicParameters(new { now, ids = rows.Select(r => r.Id) });
            var events = new List<string>(rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                events.Add($"(@type, @code{i}, @payload{i}, @now)");
                parameters.Add($"code{i}", rows[i].Code);
                parameters.Add($"payload{i}", ReservationEvents.StatusChange(rows[i], ReservationStatus.Expired, now));
            }
            parameters.Add("type", ReservationEvents.Expired);
            List<string> statements =
            [
                "UPDATE reservations SET status = 'expired', updated_at = @now WHERE id IN @ids AND status = 'pre_reserved'",
                "DELETE FROM reservation_nights WHERE reservation_id IN @ids",
                $"INSERT INTO outbox (event_type, reservation_code, payload, occurred_at) VALUES {string.Join(",", events)}",
                .. HoldRelease.Many,
                "COMMIT",
            ];
            await batches.ExecuteAsync(connection, statements, parameters, CancellationToken.None);
            LogExpired(rows.Count);
            return rows.Count;
        }
        catch
        {
            await connection.RollbackQuietlyAsync();
            throw;
        }
    }

    private async Task<long> ReadAnonymousHeldNightsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            {StatementLimits.Session(TimeSpan.FromSeconds(databaseOptions.Value.BackgroundStatementTimeoutSeconds))}
            SELECT COALESCE(SUM(nights), 0) FROM hold_budget
            """, cancellationToken: CancellationToken.None));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} pre-reservations and released their nights")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiry sweep failed, will retry: {Reason}")]
    private partial void LogSweepFailed(string reason);
}
