using System.Diagnostics;
using MySqlConnector;
using Platform.Testing;

namespace Platform.Api.Tests.TestInfrastructure;

public class MariaDbServerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fresh_server_has_a_platform_database_the_app_user_can_use()
    {
        await using var server = await MariaDbServer.StartAsync();

        await using var connection = new MySqlConnection(server.AppConnectionString);
        await connection.OpenAsync(Cancellation);
        Assert.Contains("MariaDB", await ScalarAsync(connection, "SELECT VERSION()"), StringComparison.Ordinal);
        Assert.Equal("platform", await ScalarAsync(connection, "SELECT DATABASE()"));
        Assert.Equal("utf8mb4", await ScalarAsync(connection, "SELECT @@character_set_database"));
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections_at_once_and_starts_again_with_its_data()
    {
        await using var server = await MariaDbServer.StartAsync();
        await using (var connection = new MySqlConnection(server.AppConnectionString))
        {
            await connection.OpenAsync(Cancellation);
            await ScalarAsync(connection, "CREATE TABLE kept (id INT PRIMARY KEY); INSERT INTO kept VALUES (42); SELECT 1");
        }

        await server.StopAsync();

        Assert.Null(server.ProcessId);
        var stopwatch = Stopwatch.StartNew();
        await using (var connection = new MySqlConnection(server.AppConnectionString))
        {
            await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync(Cancellation));
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"connecting to a stopped server took {stopwatch.Elapsed}");

        await server.StartAgainAsync();

        await using (var connection = new MySqlConnection(server.AppConnectionString))
        {
            await connection.OpenAsync(Cancellation);
            Assert.Equal("42", await ScalarAsync(connection, "SELECT id FROM kept"));
        }
    }

    [Fact]
    public async Task Dispose_kills_the_server_and_deletes_its_data()
    {
        var server = await MariaDbServer.StartAsync();
        var processId = server.ProcessId!.Value;

        await server.DisposeAsync();

        Assert.False(IsRunning(processId), $"mariadbd {processId} is still running");
        Assert.False(Directory.Exists(server.DataDirectory));
    }

    internal static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<string?> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(Cancellation), System.Globalization.CultureInfo.InvariantCulture);
    }
}
