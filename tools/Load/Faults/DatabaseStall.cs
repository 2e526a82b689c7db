using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Platform.Load.Traffic;
using Platform.Topology.Services;

namespace Platform.Load.Faults;

/// <summary>When the global read lock was taken and released, on the run's clock, and how long taking it took.</summary>
public sealed record StallTimes(double LockedMs, double UnlockedMs, double TakeMs);

/// <summary>
/// Stalls every write of the platform's MariaDB the way a backup does: a root session takes
/// <c>FLUSH TABLES WITH READ LOCK</c>, holds it with <c>SELECT SLEEP(n)</c> in the same session, then
/// <c>UNLOCK TABLES</c> and closes. Root is reachable only through the server's Unix socket (the platform
/// drops root over TCP); the platform user cannot take the lock (it needs RELOAD). Every step is bounded:
/// taking the lock waits at most <see cref="TakeTimeout"/>, and if the session dies the server releases
/// the lock with it.
/// </summary>
public static class DatabaseStall
{
    public static readonly TimeSpan TakeTimeout = TimeSpan.FromSeconds(10);

    public static async Task<StallTimes> HoldAsync(string socket, TimeSpan hold, RunClock clock)
    {
        // The platform's own root login (unpooled, 5 s to connect), with room for the hold in every command.
        var settings = new MySqlConnectionStringBuilder(MariaDbService.RootConnectionString(socket))
        {
            DefaultCommandTimeout = (uint)(hold + TakeTimeout).TotalSeconds,
        };
        await using var connection = new MySqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"SET SESSION lock_wait_timeout = {TakeTimeout.TotalSeconds:0}"));
        var take = Stopwatch.StartNew();
        await ExecuteAsync(connection, "FLUSH TABLES WITH READ LOCK");
        var takeMs = take.Elapsed.TotalMilliseconds;
        var locked = clock.ElapsedMs;
        try
        {
            await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"SELECT SLEEP({hold.TotalSeconds:0.###})"));
        }
        finally
        {
            await ExecuteAsync(connection, "UNLOCK TABLES");
        }

        return new StallTimes(locked, clock.ElapsedMs, takeMs);
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
