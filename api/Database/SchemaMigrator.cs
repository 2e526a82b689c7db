using System.Reflection;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>
/// Applies the versioned SQL files in Migrations/ in order before the replica takes traffic.
/// Replicas starting together serialize on a named lock, so each file runs exactly once.
/// </summary>
public sealed partial class SchemaMigrator(
    [FromKeyedServices(Databases.Background)] MySqlDataSource database,
    IOptions<DatabaseOptions> options,
    ILogger<SchemaMigrator> logger) : IHostedService
{
    private const string LockName = "platform.schema";
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(60);

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
        var locked = await connection.ExecuteScalarAsync<int?>(
            new CommandDefinition("SELECT GET_LOCK(@LockName, 120)", new { LockName }, cancellationToken: cancellationToken));
        if (locked != 1)
            throw new InvalidOperationException($"Could not take the schema lock '{LockName}' within 120 s.");
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
            await connection.ExecuteAsync("DO RELEASE_LOCK(@LockName)", new { LockName });
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
