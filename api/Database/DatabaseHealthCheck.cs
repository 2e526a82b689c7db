using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>Ready means the request pool can reach the database right now.</summary>
public sealed class DatabaseHealthCheck(MySqlDataSource database) : IHealthCheck
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
