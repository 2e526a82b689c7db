using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Ready means this replica can reach the database right now. The ping goes through the background
/// pool, not the request pool: a request pool that is merely full is load, which the pool's wait and
/// 503s already handle. Failing readiness for it would make the gateway pull every busy replica at
/// once, turning a burst into an outage.
/// </summary>
public sealed class DatabaseHealthCheck([FromKeyedServices(Databases.Background)] MySqlDataSource database) : IHealthCheck
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
