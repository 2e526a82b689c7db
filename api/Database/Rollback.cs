using Dapper;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Our batches open and commit their transactions in SQL text (one round trip), so ending a failed
/// one is explicit too.
/// </summary>
public static class Rollback
{
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
