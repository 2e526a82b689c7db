using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace Platform.Topology.Faults;

/// <summary>
/// Stalls every write of a real MariaDB the way a backup does: a root session takes <c>FLUSH TABLES WITH
/// READ LOCK</c> and holds it while it sleeps. Writes (and locking reads) wait; plain reads go on. Root
/// logs in only through the server's Unix socket (provisioning drops root over TCP), and the platform user
/// cannot take the lock (it needs RELOAD).
/// <para>
/// Every step is bounded. Taking the lock waits at most <see cref="TakeTimeout"/> (a long statement of
/// another session keeps it waiting). Holding it lasts at most the bound given to <see cref="BeginAsync"/>:
/// the session then unlocks by itself, so a test or bench that hangs cannot stall the server for good (one
/// that dies closes the session, which the server releases with it). Releasing kills the session, which lets
/// the writes through at once, and waits at most <see cref="ReleaseTimeout"/> to see it gone.
/// </para>
/// </summary>
public sealed class DatabaseStall : IAsyncDisposable
{
    public static readonly TimeSpan TakeTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly string _rootConnectionString;
    private readonly MySqlConnection _holder;
    private readonly Task _holding;
    private int _released;

    private DatabaseStall(string rootConnectionString, MySqlConnection holder, long sessionId, TimeSpan took, Task holding)
    {
        _rootConnectionString = rootConnectionString;
        _holder = holder;
        SessionId = sessionId;
        TakeTime = took;
        _holding = holding;
    }

    /// <summary>The holder's MariaDB session (its <c>CONNECTION_ID()</c>).</summary>
    public long SessionId { get; }

    /// <summary>How long taking the lock took: it waits for statements already running to finish.</summary>
    public TimeSpan TakeTime { get; }

    /// <summary>
    /// Takes the global read lock as root (<paramref name="rootConnectionString"/>, the server's socket) and
    /// holds it until released or disposed, or for <paramref name="atMost"/>, whichever comes first.
    /// </summary>
    /// <exception cref="FaultInjectionException">The lock was not taken (no root login, or not within <see cref="TakeTimeout"/>).</exception>
    public static async Task<DatabaseStall> BeginAsync(string rootConnectionString, TimeSpan atMost, CancellationToken cancellationToken = default)
    {
        // Unpooled: the holder is killed on release, and tests stop and start the server.
        var unpooled = new MySqlConnectionStringBuilder(rootConnectionString) { Pooling = false }.ConnectionString;
        var holder = new MySqlConnection(unpooled);
        try
        {
            await holder.OpenAsync(cancellationToken);
            var sessionId = Convert.ToInt64(await ScalarAsync(holder, "SELECT CONNECTION_ID()", TakeTimeout, cancellationToken), CultureInfo.InvariantCulture);
            await ExecuteAsync(holder, string.Create(CultureInfo.InvariantCulture, $"SET SESSION lock_wait_timeout = {TakeTimeout.TotalSeconds:0}"),
                TakeTimeout, cancellationToken);
            var take = Stopwatch.StartNew();
            // lock_wait_timeout bounds the wait for metadata locks; the command's own timeout bounds the rest.
            await ExecuteAsync(holder, "FLUSH TABLES WITH READ LOCK", TakeTimeout + TimeSpan.FromSeconds(5), cancellationToken);
            var took = take.Elapsed;
            var holding = ExecuteAsync(holder,
                string.Create(CultureInfo.InvariantCulture, $"DO SLEEP({atMost.TotalSeconds:0.###}); UNLOCK TABLES"),
                atMost + TakeTimeout, CancellationToken.None);
            return new DatabaseStall(unpooled, holder, sessionId, took, holding);
        }
        catch (MySqlException e)
        {
            await holder.DisposeAsync();
            throw new FaultInjectionException($"FLUSH TABLES WITH READ LOCK was not taken: {e.Message}", e);
        }
        catch
        {
            await holder.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Statements of <paramref name="user"/> waiting for a lock right now; with <paramref name="statementContaining"/>,
    /// only those whose text holds it (other replicas' background work, sweeps and the outbox relay, waits on
    /// the stall too: a test that must know its own request is there names something only that statement holds).
    /// </summary>
    public async Task<long> WaitingAsync(string user, string? statementContaining = null, CancellationToken cancellationToken = default)
    {
        await using var root = new MySqlConnection(_rootConnectionString);
        await root.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM information_schema.processlist WHERE user = @user AND state LIKE 'Waiting for%lock%'"
            + " AND (@marker IS NULL OR info LIKE CONCAT('%', @marker, '%'))", root);
        command.Parameters.AddWithValue("@user", user);
        command.Parameters.AddWithValue("@marker", statementContaining);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Releases the lock now: kills the holder's session and waits to see it end. Once only; later calls do nothing.</summary>
    /// <exception cref="FaultInjectionException">The session could not be killed, or did not end within <see cref="ReleaseTimeout"/>: the lock may still be held.</exception>
    public async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
            return;
        try
        {
            try
            {
                await using var root = new MySqlConnection(_rootConnectionString);
                await root.OpenAsync();
                await ExecuteAsync(root, string.Create(CultureInfo.InvariantCulture, $"KILL {SessionId}"), ReleaseTimeout, CancellationToken.None);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchThread)
            {
                // The session had already ended (its bound passed, or the server restarted): nothing holds the lock.
            }
            catch (MySqlException e)
            {
                throw new FaultInjectionException($"the global read lock may still be held: KILL {SessionId} failed: {e.Message}", e);
            }

            try
            {
                await _holding.WaitAsync(ReleaseTimeout);
            }
            catch (TimeoutException e)
            {
                throw new FaultInjectionException($"the global read lock may still be held: session {SessionId} did not end within {ReleaseTimeout.TotalSeconds:0} s of KILL", e);
            }
            catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
            {
                // The KILL ended the holder's statement, as intended.
            }
        }
        finally
        {
            await _holder.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync();

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds) };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds) };
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
