using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Reports;
using Prometheus;
using StackExchange.Redis;

namespace Platform.Api.Outbox;

/// <summary>
/// Moves events from the outbox table to the Redis stream, at least once. Every replica runs one, and
/// the one holding the outbox-relay lease (<see cref="ClusterLease"/>) relays while the others stand by,
/// ready to take over within <c>Database:LeaseSeconds</c>; <c>FOR UPDATE SKIP LOCKED</c> still keeps
/// two relays apart on one server in the moment a lease changes hands. A batch is marked published
/// only after every XADD in it succeeded, so a Redis outage leaves events waiting in the table,
/// never lost. Consumers de-duplicate on <c>event_id</c>. Every statement is bounded by
/// <c>Database:BackgroundStatementTimeoutSeconds</c> on the server: during a stall (a global read
/// lock) the relay gives its connection back and backs off instead of holding the background pool.
/// Each turn first folds the waiting events into the report totals (<see cref="ReportFolder"/>), under
/// the same lease, so the fold and the relay never lock the same rows at once; an event is deleted
/// only once it is both published and folded.
/// </summary>
public sealed partial class OutboxRelay(
    [FromKeyedServices(Databases.Background)] MySqlDataSource database,
    IConnectionMultiplexer redis,
    ClusterLeases leases,
    RolledBackEvents rolledBack,
    ReportFolder folder,
    WriteBatches batches,
    IOptions<OutboxOptions> options,
    IOptions<DatabaseOptions> databaseOptions,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HousekeepingInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often a replica that does not hold the lease asks whether it is free.</summary>
    private static readonly TimeSpan StandbyInterval = TimeSpan.FromSeconds(1);

    private readonly ClusterLease _lease = leases.Create(ClusterLeases.OutboxRelay);

    private static readonly Counter Published = Metrics.CreateCounter(
        "outbox_events_published_total", "Events appended to the Redis stream by this replica.");
    private static readonly Counter Failures = Metrics.CreateCounter(
        "outbox_publish_failures_total", "Relay batches that failed and were left for a retry.", "reason");
    private static readonly Gauge Backlog = Metrics.CreateGauge(
        "outbox_backlog_events", "Events written but not yet published (the whole table, as this replica last counted).");
    private static readonly Gauge OldestAge = Metrics.CreateGauge(
        "outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished event; 0 when none wait.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = settings.PollInterval;
        var nextHousekeeping = DateTime.MinValue;
        var reconciled = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = delay;
            try
            {
                if (!await _lease.TryHoldAsync(stoppingToken))
                {
                    wait = StandbyInterval; // Another replica relays.
                    reconciled = false;
                }
                else
                {
                    // The report totals first: folding needs only the database, so Redis being down slows it
                    // to this loop's back-off but never stops it.
                    await folder.FoldAsync(stoppingToken);

                    if (!reconciled)
                    {
                        // Before the first publication as the relay: events the database lost in a restore.
                        await using (var connection = await database.OpenConnectionAsync(stoppingToken))
                            await rolledBack.ReconcileAsync(connection, redis.GetDatabase(), Limits(), stoppingToken);
                        reconciled = true;
                    }

                    var published = await RelayBatchAsync(settings, stoppingToken);
                    delay = wait = settings.PollInterval;
                    if (published == settings.BatchSize)
                        continue; // More are waiting: no pause.

                    if (clock.GetUtcNow().UtcDateTime >= nextHousekeeping)
                    {
                        await HousekeepAsync(settings, stoppingToken);
                        nextHousekeeping = clock.GetUtcNow().UtcDateTime + HousekeepingInterval;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException || DatabaseErrors.IsUnavailable(ex))
            {
                Failures.WithLabels(ex is MySqlException ? "database" : "redis").Inc();
                LogRelayFailed(ex.GetType().Name, ex.Message, delay);
                wait = delay;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }

            try
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Hands the lease over as the replica stops, so the next relay starts at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _lease.ReleaseAsync(cancellationToken);
    }

    private string Limits() => StatementLimits.Session(TimeSpan.FromSeconds(databaseOptions.Value.BackgroundStatementTimeoutSeconds));

    private async Task<int> RelayBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var limits = Limits();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var events = (await connection.QueryAsync<OutboxEvent>(new CommandDefinition($"""
                {limits}
                {Transactions.BeginReadCommitted}
                SELECT id AS Id, event_type AS EventType, reservation_code AS ReservationCode, payload AS Payload, occurred_at AS OccurredAt,
                    trace_parent AS TraceParent
                FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT @BatchSize
                FOR UPDATE SKIP LOCKED
                """, new { settings.BatchSize }, cancellationToken: CancellationToken.None))).ToList();
            if (events.Count == 0)
            {
                await connection.ExecuteAsync("COMMIT");
                return 0;
            }

            using var publication = TracedEvents.StartPublication(events.Select(e => e.TraceParent), settings.Stream, events.Count);
            var stream = redis.GetDatabase();
            await Task.WhenAll(events.Select(e => stream.StreamAddAsync(settings.Stream,
                [
                    new NameValueEntry("event_id", e.Id),
                    new NameValueEntry("type", e.EventType),
                    new NameValueEntry("code", e.ReservationCode),
                    new NameValueEntry("occurred_at", DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc).ToString("O")),
                    new NameValueEntry("payload", e.Payload),
                ],
                maxLength: settings.StreamMaxLength, useApproximateMaxLength: true)));

            await batches.ExecuteAsync(connection, ["UPDATE outbox SET published_at = @now WHERE id IN @ids", "COMMIT"],
                new { now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds(), ids = events.Select(e => e.Id) },
                CancellationToken.None);
            Published.Inc(events.Count);
            return events.Count;
        }
        catch
        {
            // Whatever was appended will be appended again: at least once.
            await connection.RollbackQuietlyAsync();
            throw;
        }
    }

    /// <summary>Counts the backlog for the dashboards and deletes events published long enough ago.</summary>
    private async Task HousekeepAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var backlog = await connection.QuerySingleAsync<(long Count, DateTime? Oldest)>(new CommandDefinition(
            $"{Limits()} SELECT COUNT(*), MIN(occurred_at) FROM outbox WHERE published_at IS NULL", cancellationToken: CancellationToken.None));
        Backlog.Set(backlog.Count);
        OldestAge.Set(backlog.Oldest is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);

        var cutoff = now - settings.RetainPublishedFor;
        for (var round = 0; round < 10; round++)
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < @cutoff AND folded_at IS NOT NULL ORDER BY published_at LIMIT 1000",
                new { cutoff }, cancellationToken: cancellationToken));
            if (deleted < 1000)
                break;
        }
    }

    private sealed class OutboxEvent
    {
        public long Id { get; set; }
        public string EventType { get; set; } = "";
        public string ReservationCode { get; set; } = "";
        public string Payload { get; set; } = "";
        public DateTime OccurredAt { get; set; }
        public string? TraceParent { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay failed ({Kind}: {Reason}); events stay in the table, next try in about {Delay}")]
    private partial void LogRelayFailed(string kind, string reason, TimeSpan delay);
}
