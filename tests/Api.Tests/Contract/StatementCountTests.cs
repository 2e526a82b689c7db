using System.Text;
using Dapper;

namespace Platform.Api.Tests.Contract;

/// <summary>Holds the write path to its promise: one batch, bounded and committed inside itself, per reservation.</summary>
public class StatementCountTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task A_successful_create_sends_the_server_one_statement_batch_that_commits_itself()
    {
        var client = Client(0);
        await CreateAsync(NewStay(), client: client); // A warm pool: no connection set-up in the window.

        await using var root = await Fixture.OpenRootAsync();
        await root.ExecuteAsync("SET GLOBAL general_log = 0; TRUNCATE TABLE mysql.general_log; SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1");
        string code;
        try
        {
            code = (string)(await CreateAsync(NewStay(nights: 4), client: client))["code"]!;
        }
        finally
        {
            await root.ExecuteAsync("SET GLOBAL general_log = 0");
        }

        var log = (await root.QueryAsync<LogEntry>(
            "SELECT thread_id AS Thread, command_type AS Command, CONVERT(argument USING utf8mb4) AS Argument FROM mysql.general_log ORDER BY event_time"))
            .ToList();
        var thread = log.Single(e => e.Command == "Query" && e.Argument.Contains(code, StringComparison.Ordinal)).Thread;
        // The pool's reset on checkout (COM_RESET_CONNECTION, then SET NAMES, pipelined by
        // MySqlConnector) touches no table; everything the API itself sends is the one batch.
        var statements = log
            .Where(e => e.Thread == thread && e.Command is "Query" or "Execute" or "Prepare")
            .Where(e => e.Argument != "SET NAMES utf8mb4")
            .ToList();

        var batch = Assert.Single(statements).Argument;
        // The request's deadline as server-side limits, in the same batch: no round trip of its own.
        Assert.Matches(@"^SET SESSION max_statement_time = \d+\.\d{3}, lock_wait_timeout = \d+, innodb_lock_wait_timeout = \d+;START TRANSACTION;",
            batch.Trim());
        Assert.EndsWith("COMMIT", batch.Trim().TrimEnd(';'), StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(batch, "INSERT INTO reservations "));
        Assert.Equal(1, Occurrences(batch, "INSERT INTO reservation_nights "));
        Assert.Equal(1, Occurrences(batch, "INSERT INTO outbox "));
        Assert.Equal(0, Occurrences(batch, "SELECT * ") + Occurrences(batch, "FROM reservations"));
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
            count++;
        return count;
    }

    private sealed class LogEntry
    {
        public long Thread { get; set; }
        public string Command { get; set; } = "";
        public string Argument { get; set; } = "";
    }
}
