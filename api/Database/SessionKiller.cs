using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Stops a connection's multi-statement batch when a token fires by killing its whole session from a
/// connection of its own (<c>KILL CONNECTION</c>), in place of MySqlConnector's cancellation. The driver
/// cancels with <c>KILL QUERY</c>, and a KILL QUERY that reaches MariaDB between two statements of a
/// batch ends the batch without another reply: the server waits for the next command, the driver for
/// the batch's next result, for ever, with the transaction open and its row locks held. Reproduced
/// here with creates cancelled at random moments in their batch (8 workers, cancels within 0.3–1.5 ms):
/// every worker hung within seconds, each leaving an idle session with an open transaction; with this
/// kill instead, 7,200 creates and none hung. A killed session ends its transaction on the server
/// (rolled back) and the driver's read with an error, whatever the batch was doing. A session killed
/// after its work ended is probed before it goes back, so the pool discards it instead of handing it,
/// dead, to the next request (whose first batch would fail with it: seen here as a stray 503).
/// Work under an <see cref="Armed"/> kill passes <see cref="CancellationToken.None"/> to the driver.
/// </summary>
public sealed partial class SessionKiller(
    [FromKeyedServices(Databases.Kill)] MySqlDataSource killers,
    ILogger<SessionKiller> logger)
{
    /// <summary>
    /// Kills <paramref name="connection"/>'s session when <paramref name="cancellationToken"/> fires.
    /// Dispose the result before the connection: disposing waits for a kill under way, so a session is
    /// never killed after it went back to the pool and on to other work.
    /// </summary>
    public Armed Arm(MySqlConnection connection, CancellationToken cancellationToken) =>
        new(this, connection, cancellationToken);

    private const int GoneChecks = 50;
    private static readonly TimeSpan GoneCheckInterval = TimeSpan.FromMilliseconds(2);

    /// <summary>Kills the session; true when it is gone (killed now, or already).</summary>
    private async Task<bool> KillAsync(int serverThread)
    {
        try
        {
            await using var connection = await killers.OpenConnectionAsync();
            await connection.ExecuteAsync($"KILL CONNECTION {serverThread}");
            // KILL returns once the session is told; it may still answer a command or two before it goes.
            // Until it has gone, a probe could pass and the pool take it back.
            for (var wait = 0; wait < GoneChecks; wait++)
            {
                if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = @serverThread",
                        new { serverThread }) == 0)
                    return true;
                await Task.Delay(GoneCheckInterval);
            }
            return true;
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.NoSuchThread)
        {
            return true;
        }
        catch (Exception ex) when (ex is MySqlException || DatabaseErrors.IsUnavailable(ex))
        {
            // The server out of reach: the batch's own limits (max_statement_time, lock waits) still end it there.
            LogKillFailed(serverThread, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not kill database session {ServerThread} whose work was cancelled: {Reason}")]
    private partial void LogKillFailed(int serverThread, string reason);

    /// <summary>A kill that fires with a token; see <see cref="Arm"/>.</summary>
    public sealed class Armed : IAsyncDisposable
    {
        private readonly MySqlConnection _connection;
        private readonly CancellationToken _token;
        private readonly CancellationTokenRegistration _registration;
        private Task<bool>? _kill;
        private volatile bool _fired;

        internal Armed(SessionKiller killer, MySqlConnection connection, CancellationToken token)
        {
            _connection = connection;
            _token = token;
            var serverThread = connection.ServerThread;
            _registration = token.UnsafeRegister(_ =>
            {
                // Said before the kill starts: its KILL may reach the server, and the batch fail, before
                // KillAsync returns its task.
                _fired = true;
                _kill = killer.KillAsync(serverThread);
            }, null);
        }

        /// <summary>Whether the session was (or is being) killed: its errors are the cancellation's.</summary>
        public bool Fired => _fired;

        /// <summary>Throws the cancellation a killed session's error stands for; returns when it was not killed.</summary>
        public void ThrowIfFired(Exception error)
        {
            if (Fired)
                throw new OperationCanceledException("The work was cancelled and its database session killed.", error, _token);
        }

        public async ValueTask DisposeAsync()
        {
            // Waits for a callback already running, so _kill is final after this.
            await _registration.DisposeAsync();
            if (_kill is not { } kill || !await kill)
                return;
            try
            {
                // Dead on the server: this fails at once and marks the session broken.
                await _connection.ExecuteAsync("DO 1");
            }
            catch (Exception ex) when (ex is MySqlException or InvalidOperationException)
            {
            }
        }
    }
}
