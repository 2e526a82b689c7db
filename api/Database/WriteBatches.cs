using Dapper;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// How the statements of a write transaction travel. To one server, in one round trip: START TRANSACTION
/// to COMMIT joined into one multi-statement batch, which the server stops at the first error. A Galera
/// node does not keep that promise: a transaction aborted between two statements of a batch by a
/// conflicting write certified on another node is rolled back without an error, and the rest of the
/// batch runs on, each statement committing by itself. Measured here on a real three-node cluster: a
/// create answered 201 whose reservation was gone and whose outbox event was stored on its own. The
/// abort is reported to the next command, so to a Galera node each statement, COMMIT included, is a
/// command of its own. Which kind of server it is, the server says once (<c>@@wsrep_on</c>).
/// </summary>
public sealed class WriteBatches
{
    private const int UnknownServer = 0, OneRoundTrip = 1, StatementByStatement = 2;

    private int _mode = UnknownServer;

    /// <summary>True when a transaction may be sent as one batch: the server is not a Galera node.</summary>
    public async ValueTask<bool> OneRoundTripAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _mode) is var mode && mode != UnknownServer)
            return mode == OneRoundTrip;

        bool galera;
        try
        {
            galera = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT @@wsrep_on", cancellationToken: cancellationToken)) == 1;
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.UnknownSystemVariable)
        {
            galera = false; // A server built without wsrep (MySQL).
        }
        Volatile.Write(ref _mode, galera ? StatementByStatement : OneRoundTrip);
        return !galera;
    }

    /// <summary>
    /// Runs <paramref name="statements"/> (each one statement, its transaction's COMMIT included) as the
    /// server allows. Give the batch no cancellable token: cancel by killing the session (<see cref="SessionKiller"/>).
    /// </summary>
    public async Task ExecuteAsync(MySqlConnection connection, IReadOnlyList<string> statements, object? parameters, CancellationToken cancellationToken)
    {
        if (await OneRoundTripAsync(connection, cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(string.Join(";\n", statements), parameters, cancellationToken: cancellationToken));
            return;
        }

        foreach (var statement in statements)
            await connection.ExecuteAsync(new CommandDefinition(statement, parameters, cancellationToken: cancellationToken));
    }
}
