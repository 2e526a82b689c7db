using Dapper;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Our batches open and commit their transactions in SQL text, so a write is one round trip.
/// Pooled connections are not reset between uses (that would be a second round trip per request),
/// so every batch begins by rolling back whatever a failed earlier user may have left open: a
/// half-written transaction can be discarded by the next batch, never committed by it.
/// </summary>
public static class Transactions
{
    public const string Begin = "ROLLBACK; START TRANSACTION;";

    /// <summary>For claims with FOR UPDATE SKIP LOCKED: no gap locks, so claiming never blocks new inserts.</summary>
    public const string BeginReadCommitted = "ROLLBACK; SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION;";

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
