using Dapper;
using MySqlConnector;
using Prometheus;

namespace Platform.Api.Database;

/// <summary>
/// A named lease kept in the database, for the work one process of the whole platform should do at a
/// time: the schema migrations, the outbox relay, the expiry sweep. <c>GET_LOCK</c> did this on one
/// server, but on a Galera cluster a named lock belongs to the node that granted it, so two replicas on
/// two nodes would both hold it. A row is the cluster's: of two replicas taking the lease row at once
/// on two nodes, certification commits one and answers the other 1213. On a single server the row lock
/// does the same. The lease's time runs on the database's clock (<c>UTC_TIMESTAMP</c>), so no replica's
/// clock decides who holds it; the holder counts its own time from before its renewal was sent, so it
/// never believes it holds the lease after the database would give it to another.
/// </summary>
public sealed class ClusterLease(MySqlDataSource database, string name, string holder, TimeSpan duration, TimeSpan statementLimit, TimeProvider clock)
{
    /// <summary>The leases' table; the migrator creates it before it takes the schema lease.</summary>
    public const string TableSql = """
        CREATE TABLE IF NOT EXISTS cluster_leases (
            name       VARCHAR(64)  CHARACTER SET ascii NOT NULL PRIMARY KEY,
            holder     VARCHAR(128) CHARACTER SET ascii NOT NULL,
            expires_at DATETIME(6)  NOT NULL
        ) ENGINE = InnoDB
        """;

    private static readonly Gauge Held = Metrics.CreateGauge(
        "cluster_lease_held", "1 while this replica holds the named lease (schema, outbox-relay, expiry-sweep), else 0.", "lease");

    private DateTimeOffset? _heldUntil;

    public string Name => name;

    /// <summary>
    /// True while this process holds the lease: renews it when a third of its time has passed, takes it
    /// when it is free or has run out, and answers false when another holds it or won it at the same
    /// moment. A database out of reach throws; the lease then simply runs out.
    /// </summary>
    public async Task<bool> TryHoldAsync(CancellationToken cancellationToken)
    {
        var sent = clock.GetUtcNow();
        if (_heldUntil is { } until && until - sent > duration * 2 / 3)
            return true;

        string? current;
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            current = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition($"""
                {StatementLimits.Session(statementLimit)}
                INSERT IGNORE INTO cluster_leases (name, holder, expires_at) VALUES (@name, '', '1970-01-01 00:00:01');
                UPDATE cluster_leases SET holder = @holder, expires_at = UTC_TIMESTAMP(6) + INTERVAL @micros MICROSECOND
                WHERE name = @name AND (holder = @holder OR expires_at < UTC_TIMESTAMP(6));
                SELECT holder FROM cluster_leases WHERE name = @name;
                """, new { name, holder, micros = (long)(duration.TotalMicroseconds) }, cancellationToken: CancellationToken.None));
        }
        catch (MySqlException ex) when (ex.Number is DatabaseErrors.Deadlock or DatabaseErrors.LockWaitTimeout)
        {
            // Another replica took or renewed it at the same moment (on Galera: lost certification).
            current = null;
        }

        _heldUntil = current == holder ? sent + duration : null;
        Held.WithLabels(name).Set(_heldUntil is null ? 0 : 1);
        return _heldUntil is not null;
    }

    /// <summary>
    /// Hands the lease back at once (a replica stopping, a migration done), so another need not wait for
    /// it to run out; with the database out of reach it simply runs out.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_heldUntil is null)
            return;
        _heldUntil = null;
        Held.WithLabels(name).Set(0);
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition($"""
                {StatementLimits.Session(statementLimit)}
                UPDATE cluster_leases SET expires_at = '1970-01-01 00:00:01' WHERE name = @name AND holder = @holder
                """, new { name, holder }, cancellationToken: CancellationToken.None));
        }
        catch (Exception ex) when (ex is MySqlException or OperationCanceledException || DatabaseErrors.IsUnavailable(ex))
        {
        }
    }
}
