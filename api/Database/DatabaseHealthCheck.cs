using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Ready means this replica can reach the database right now. The ping goes through a pool of its
/// own, neither the request pool nor the background pool: a request pool that is merely full is load,
/// which the bulkheads' 503s already handle, and background connections stuck behind a global read
/// lock mean writes stall while reads still work. Failing readiness for either would make the
/// gateway pull every replica at once, turning a burst or a backup into an outage.
/// </summary>
public sealed class DatabaseHealthCheck([FromKeyedServices(Databases.Readiness)] MySqlDataSource database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            return await connection.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database did not answer a ping.");
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            return HealthCheckResult.Unhealthy("The database is out of reach.", ex);
        }
    }
}
