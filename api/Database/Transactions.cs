using Dapper;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Our batches open and commit their transactions in SQL text, so a write is one statement batch
/// (one round trip) instead of BEGIN, statements and COMMIT each waiting for the server. Such a batch
/// is never given a cancellable token; see <see cref="SessionKiller"/>.
/// </summary>
public static class Transactions
{
    public const string Begin = "START TRANSACTION;";

    /// <summary>For claims with FOR UPDATE SKIP LOCKED: no gap locks, so claiming never blocks new inserts.</summary>
    public const string BeginReadCommitted = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION;";

    /// <summary>Ends the open transaction now so its locks go; a dead connection took it with it.</summary>
    public static async Task RollbackQuietlyAsync(this MySqlConnection connection)
    {
        try
        {
            await connection.ExecuteAsync("ROLLBACK");
        }
        catch (MySqlException)
        {
        }
        catch (InvalidOperationException)
        {
            // The connection was already closed or broken.
        }
    }
}
