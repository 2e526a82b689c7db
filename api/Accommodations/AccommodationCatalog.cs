using System.Collections.Frozen;
using Dapper;
using MySqlConnector;

namespace Platform.Api.Accommodations;

/// <summary>
/// Accommodations held in memory: validation and pricing need capacity and prices on every create,
/// and reading them from the database each time is the pre-check round trip this API exists to avoid.
/// Loaded before the replica takes traffic, refreshed periodically; an id missing from the snapshot
/// is looked up once, so a newly added accommodation is bookable at once.
/// </summary>
public sealed partial class AccommodationCatalog(
    [FromKeyedServices(Database.Databases.Background)] MySqlDataSource background,
    MySqlDataSource requests,
    ILogger<AccommodationCatalog> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    private FrozenDictionary<int, Accommodation> _snapshot = FrozenDictionary<int, Accommodation>.Empty;

    /// <summary>How many accommodations there are, as of the last load.</summary>
    public int Count => Volatile.Read(ref _snapshot).Count;

    /// <summary>Every accommodation, as of the last load.</summary>
    public IEnumerable<Accommodation> All => Volatile.Read(ref _snapshot).Values;

    public async ValueTask<Accommodation?> FindAsync(int id, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _snapshot).TryGetValue(id, out var accommodation))
            return accommodation;
        await using var connection = await requests.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Accommodation>(new CommandDefinition(
            $"SELECT {Accommodation.Columns} FROM accommodations WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await LoadAsync(stoppingToken);
            }
            catch (Exception ex) when (Database.DatabaseErrors.IsUnavailable(ex))
            {
                LogRefreshFailed(ex.Message); // Keep serving the last snapshot.
            }
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await background.OpenConnectionAsync(cancellationToken);
        var all = await connection.QueryAsync<Accommodation>(new CommandDefinition(
            $"SELECT {Accommodation.Columns} FROM accommodations", cancellationToken: cancellationToken));
        Volatile.Write(ref _snapshot, all.ToFrozenDictionary(a => a.Id));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the accommodation catalog: {Reason}")]
    private partial void LogRefreshFailed(string reason);
}
