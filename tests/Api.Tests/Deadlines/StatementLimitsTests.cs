using Dapper;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Tests.Contract;

namespace Platform.Api.Tests.Deadlines;

public class StatementLimitsTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Theory]
    [InlineData(2345, "max_statement_time = 2.345, lock_wait_timeout = 3, innodb_lock_wait_timeout = 3;")]
    [InlineData(3000, "max_statement_time = 3.000, lock_wait_timeout = 3, innodb_lock_wait_timeout = 3;")]
    [InlineData(120, "max_statement_time = 0.120, lock_wait_timeout = 1, innodb_lock_wait_timeout = 1;")]
    // 0 would mean "no limit" to the server: a deadline that has just passed still gets the smallest limit.
    [InlineData(0, "max_statement_time = 0.001, lock_wait_timeout = 1, innodb_lock_wait_timeout = 1;")]
    [InlineData(-50, "max_statement_time = 0.001, lock_wait_timeout = 1, innodb_lock_wait_timeout = 1;")]
    public void Limits_never_become_unlimited_and_lock_waits_are_whole_seconds_of_at_least_one(int milliseconds, string expected)
    {
        Assert.Equal("SET SESSION " + expected, StatementLimits.Session(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(2345, "SET STATEMENT max_statement_time = 2.345 FOR ")]
    [InlineData(0, "SET STATEMENT max_statement_time = 0.001 FOR ")]
    public void A_read_is_bounded_by_a_prefix_for_its_one_statement(int milliseconds, string expected)
    {
        Assert.Equal(expected, StatementLimits.Statement(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public async Task The_limits_a_request_sets_are_gone_when_its_connection_is_next_checked_out()
    {
        var settings = Platform.Api.Database.Databases.Settings(
            new DatabaseOptions { ConnectionString = Cluster.Database.AppConnectionString }, "limits-test", maximumPoolSize: 1, minimumPoolSize: 0);
        await using var pool = new MySqlDataSourceBuilder(settings.ConnectionString).Build();
        long firstSession;
        await using (var connection = await pool.OpenConnectionAsync(Cancellation))
        {
            firstSession = await connection.ExecuteScalarAsync<long>(StatementLimits.Session(TimeSpan.FromMilliseconds(1500)) + " SELECT CONNECTION_ID()");
            Assert.Equal(1.5, await connection.ExecuteScalarAsync<double>("SELECT @@SESSION.max_statement_time"));
        }

        await using (var connection = await pool.OpenConnectionAsync(Cancellation))
        {
            Assert.Equal(firstSession, await connection.ExecuteScalarAsync<long>("SELECT CONNECTION_ID()")); // the same pooled session
            var session = await connection.QuerySingleAsync<(double Statement, long Lock, long InnoDb)>(
                "SELECT @@SESSION.max_statement_time, @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout");
            var global = await connection.QuerySingleAsync<(double Statement, long Lock, long InnoDb)>(
                "SELECT @@GLOBAL.max_statement_time, @@GLOBAL.lock_wait_timeout, @@GLOBAL.innodb_lock_wait_timeout");
            Assert.Equal(global, session);
        }
    }
}
