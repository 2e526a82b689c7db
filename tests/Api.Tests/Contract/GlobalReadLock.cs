using Dapper;
using MySqlConnector;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// A real database stall: <c>FLUSH TABLES WITH READ LOCK</c> held by a root session that then sleeps,
/// as a backup tool would hold it. Writes (and locking reads) wait; plain reads go on. Disposing
/// kills the session, which releases the lock at once; the sleep bounds it if a test dies first.
/// </summary>
internal sealed class GlobalReadLock : IAsyncDisposable
{
    private readonly ClusterFixture _fixture;
    private readonly MySqlConnection _holder;
    private readonly long _sessionId;
    private readonly Task _sleeping;

    private GlobalReadLock(ClusterFixture fixture, MySqlConnection holder, long sessionId, Task sleeping)
    {
        _fixture = fixture;
        _holder = holder;
        _sessionId = sessionId;
        _sleeping = sleeping;
    }

    public static async Task<GlobalReadLock> HoldAsync(ClusterFixture fixture, TimeSpan atMost)
    {
        var holder = await fixture.OpenRootAsync();
        await holder.ExecuteAsync("FLUSH TABLES WITH READ LOCK");
        var sessionId = await holder.ExecuteScalarAsync<long>("SELECT CONNECTION_ID()");
        var sleeping = holder.ExecuteAsync(new CommandDefinition("DO SLEEP(@seconds)", new { seconds = (int)atMost.TotalSeconds },
            commandTimeout: (int)atMost.TotalSeconds + 30));
        return new GlobalReadLock(fixture, holder, sessionId, sleeping);
    }

    /// <summary>Statements of the API's user waiting for the lock right now.</summary>
    public async Task<long> WaitingAsync(string? statementContaining = null)
    {
        await using var root = await _fixture.OpenRootAsync();
        // Other replicas' background work (sweeps, the outbox relay) waits on the lock too; a test that
        // must know its own request is there names something only that request's statement holds.
        return await root.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'platform' AND state LIKE 'Waiting for%lock%'"
            + " AND (@marker IS NULL OR info LIKE CONCAT('%', @marker, '%'))", new { marker = statementContaining });
    }

    public async ValueTask DisposeAsync()
    {
        await using (var root = await _fixture.OpenRootAsync())
            await root.ExecuteAsync($"KILL {_sessionId}");
        try
        {
            await _sleeping;
        }
        catch (MySqlException)
        {
            // Killed, as intended.
        }
        catch (InvalidOperationException)
        {
        }
        await _holder.DisposeAsync();
    }
}
