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

    [Fact]
    public async Task The_owner_check_is_in_the_where_clause_of_the_one_statement_and_a_guest_without_its_secret_reaches_no_database()
    {
        var code = (string)(await CreateAsync(NewStay(), client: ClientAs("statement-owner")))["code"]!;
        var other = ClientAs("statement-other");
        var guest = ClientAs("anonymous", Platform.Testing.TestIdentity.Create);
        using (var warm = await other.GetAsync("/api/v1/reservations/ZZZZZZZZ", Cancellation))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, warm.StatusCode);

        await using var root = await Fixture.OpenRootAsync();
        await root.ExecuteAsync("SET GLOBAL general_log = 0; TRUNCATE TABLE mysql.general_log; SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1");
        try
        {
            using var read = await other.GetAsync($"/api/v1/reservations/{code}", Cancellation);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);
            using var confirm = await other.PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, confirm.StatusCode);
            using var guestRead = await guest.GetAsync($"/api/v1/reservations/{code}", Cancellation);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, guestRead.StatusCode);
        }
        finally
        {
            await root.ExecuteAsync("SET GLOBAL general_log = 0");
        }

        var statements = (await root.QueryAsync<string>(
            "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE command_type IN ('Query', 'Execute') ORDER BY event_time"))
            .Where(a => a.Contains(code, StringComparison.Ordinal))
            .ToList();
        // One SELECT for the read, one locking SELECT for the confirm (then only its ROLLBACK); nothing for the guest.
        Assert.Equal(2, statements.Count);
        Assert.All(statements, s => Assert.Contains("r.owner_client = 'statement-other'", s, StringComparison.Ordinal));
        Assert.Contains("FOR UPDATE", statements[1], StringComparison.Ordinal);
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
