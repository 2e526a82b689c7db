using System.Globalization;
using MySqlConnector;
using Platform.Topology;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// The queries of the writes bench, as the platform's own database user (the bench's connection from the
/// topology model): the first free day, the rows the API and the ceiling added, and the audit after the run.
/// </summary>
public sealed class WritesDatabase(string connectionString)
{
    private const string DbNightsFrom = BenchNights.CeilingFrom;

    public const string ApiReservations =
        $"SELECT COUNT(*) FROM reservations WHERE check_in >= DATE '2100-01-01' AND check_in < DATE '{DbNightsFrom}'";

    public const string CeilingNights = $"SELECT COUNT(*) FROM reservation_nights WHERE night >= DATE '{DbNightsFrom}'";

    /// <summary>One value as text (a count or a version).</summary>
    /// <exception cref="PlatformException">MariaDB did not answer.</exception>
    public async Task<string> ScalarAsync(string sql)
    {
        try
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 60 };
            return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
        }
        catch (MySqlException e)
        {
            throw new PlatformException($"MariaDB does not answer ({e.Message})", e);
        }
    }

    public async Task<long> CountAsync(string sql) => long.Parse(await ScalarAsync(sql), CultureInfo.InvariantCulture);
}
