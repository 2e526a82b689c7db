using System.Reflection;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Applies the versioned SQL files in Migrations/ in order before the replica takes traffic.
/// Replicas starting together take turns through the schema lease (<see cref="ClusterLease"/>, which
/// holds across a Galera cluster's nodes where <c>GET_LOCK</c> would not), so each file runs exactly once.
/// </summary>
public sealed partial class SchemaMigrator(
    [FromKeyedServices(Databases.Background)] MySqlDataSource database,
    ClusterLeases leases,
    IOptions<DatabaseOptions> options,
    ILogger<SchemaMigrator> logger) : IHostedService
{
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(60);

    /// <summary>Longer than any migration runs; a replica that dies holding it delays the others' start by at most this.</summary>
    private static readonly TimeSpan SchemaLease = TimeSpan.FromSeconds(120);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ApplySchemaOnStart)
            return;

        // The database may still be starting (compose, a host reboot): keep trying for a while,
        // then fail the start-up loudly rather than serve without a schema.
        var deadline = DateTime.UtcNow + StartupPatience;
        while (true)
        {
            try
            {
                await ApplyAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex) && DateTime.UtcNow < deadline)
            {
                LogWaiting(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ClusterLease.TableSql, cancellationToken: cancellationToken));
        var lease = leases.Create(ClusterLeases.Schema, SchemaLease);
        var giveUp = DateTime.UtcNow + SchemaLease;
        while (!await lease.TryHoldAsync(cancellationToken))
        {
            if (DateTime.UtcNow >= giveUp)
                throw new InvalidOperationException($"Could not take the schema lease '{lease.Name}' within {SchemaLease.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    INT          NOT NULL PRIMARY KEY,
                    name       VARCHAR(200) NOT NULL,
                    applied_at DATETIME(6)  NOT NULL
                ) ENGINE = InnoDB
                """, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(
                new CommandDefinition("SELECT version FROM schema_version", cancellationToken: cancellationToken))).ToHashSet();

            foreach (var migration in Migration.All())
            {
                if (applied.Contains(migration.Version))
                    continue;
                LogApplying(migration.Version, migration.Name);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, UTC_TIMESTAMP(6))",
                    new { migration.Version, migration.Name }, cancellationToken: cancellationToken));
            }
        }
        finally
        {
            await lease.ReleaseAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet, retrying schema migration: {Reason}")]
    private partial void LogWaiting(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying schema migration {Version} ({Name})")]
    private partial void LogApplying(int version, string name);

    /// <summary>An embedded SQL file named <c>NNN_description.sql</c>.</summary>
    internal sealed record Migration(int Version, string Name, string Sql)
    {
        public static IReadOnlyList<Migration> All()
        {
            var assembly = Assembly.GetExecutingAssembly();
            return assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith("Migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                .Select(n =>
                {
                    var name = Path.GetFileNameWithoutExtension(n["Migrations/".Length..]);
                    var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                    return new Migration(version, name, reader.ReadToEnd());
                })
                .OrderBy(m => m.Version)
                .ToList();
        }
    }
}
