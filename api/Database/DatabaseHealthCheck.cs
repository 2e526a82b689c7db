using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Ready means this replica can reach the database right now. The ping goes through a pool of its
/// own, neither the request pool nor the background pool: a request pool that is merely full is load,
/// which the bulkheads' 503s already handle, and background connections stuck behind a global read
/// lock mean writes stall while reads still work. Failing readiness for either would make the
/// gateway pull every replica at once, turning a burst or a backup into an outage.
/// </summary>
public sealed class DatabaseHealthCheck(
    [FromKeyedServices(Databases.Readiness)] MySqlDataSource database,
    IOptions<DatabaseOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A server that accepts connections but never answers (frozen) must fail the check, not hang it.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(options.Value.ConnectionTimeoutSeconds));
        try
        {
            await using var connection = await database.OpenConnectionAsync(bounded.Token);
            return await connection.PingAsync(bounded.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database did not answer a ping.");
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            return HealthCheckResult.Unhealthy("The database is out of reach.", ex);
        }
        catch (OperationCanceledException ex) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database did not answer in time.", ex);
        }
    }
}
