using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Observability;

namespace Platform.Api.Database;

/// <summary>
/// The connection pools of a replica: one for requests, one for background work, and one connection
/// for the readiness check. Each is named after the replica so MySqlConnector's own pool metrics
/// tell the replicas apart.
/// </summary>
public static class Databases
{
    public const string Background = "background";

    /// <summary>
    /// Readiness gets a pool of its own (one connection): with the background pool's connections all
    /// waiting behind a lock, a ping through it would wait too, readiness would fail on every replica
    /// at once, and the gateway would eject them all while reads could still be served.
    /// </summary>
    public const string Readiness = "readiness";

    /// <summary>The back office's exports: minutes-long reads on connections of their own (<see cref="DatabaseOptions.ExportPoolSize"/>).</summary>
    public const string Export = "export";

    /// <summary>
    /// A few connections that only kill sessions whose work was cancelled (<see cref="SessionKiller"/>),
    /// so a kill never waits behind the very pool whose connections are stuck.
    /// </summary>
    public const string Kill = "kill";

    /// <summary>The back office's reads (<see cref="DatabaseOptions.BackOfficePoolSize"/>).</summary>
    public const string BackOffice = "back-office";

    private enum Pool { Requests, Background, Readiness, Export, Kill, BackOffice }

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.MinimumPoolSize <= o.MaximumPoolSize,
                "Database:MinimumPoolSize must not exceed Database:MaximumPoolSize.")
            .Validate(o => IsParsable(o.ConnectionString),
                "Database:ConnectionString is not a valid MySQL connection string.")
            .ValidateOnStart();

        builder.Services.AddSingleton(sp => Create(sp, Pool.Requests));
        builder.Services.AddKeyedSingleton(Background, (sp, _) => Create(sp, Pool.Background));
        builder.Services.AddKeyedSingleton(Readiness, (sp, _) => Create(sp, Pool.Readiness));
        builder.Services.AddKeyedSingleton(Export, (sp, _) => Create(sp, Pool.Export));
        builder.Services.AddKeyedSingleton(Kill, (sp, _) => Create(sp, Pool.Kill));
        builder.Services.AddKeyedSingleton(BackOffice, (sp, _) => Create(sp, Pool.BackOffice));
        builder.Services.AddSingleton<SessionKiller>();
        builder.Services.AddSingleton<ClusterLeases>();
        builder.Services.AddSingleton<WriteBatches>();
        builder.Services.AddHostedService<SchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    private static MySqlDataSource Create(IServiceProvider services, Pool pool)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        // Pool metrics must be listening before the first connection opens.
        _ = services.GetRequiredService<MeterExport>();
        var replica = services.GetRequiredService<IOptions<ReplicaOptions>>().Value;
        var connection = Settings(options, pool switch
        {
            Pool.Background => $"{replica.Id}-background",
            Pool.Readiness => $"{replica.Id}-readiness",
            Pool.Export => $"{replica.Id}-export",
            Pool.Kill => $"{replica.Id}-kill",
            Pool.BackOffice => $"{replica.Id}-back-office",
            _ => replica.Id,
        }, pool switch
        {
            Pool.Background => options.BackgroundPoolSize,
            Pool.Readiness => 1,
            Pool.Export => options.ExportPoolSize,
            Pool.Kill => 2,
            Pool.BackOffice => options.BackOfficePoolSize,
            _ => options.MaximumPoolSize,
        }, pool == Pool.Requests ? options.MinimumPoolSize : 0);
        return new MySqlDataSourceBuilder(connection.ConnectionString).UseName(connection.ApplicationName).Build();
    }

    /// <summary>The connection settings of one pool (internal: a test holds the session reset to them).</summary>
    internal static MySqlConnectionStringBuilder Settings(DatabaseOptions options, string name, int maximumPoolSize, int minimumPoolSize) =>
        new(options.ConnectionString)
        {
            Pooling = true,
            MaximumPoolSize = (uint)maximumPoolSize,
            MinimumPoolSize = (uint)minimumPoolSize,
            // Covers both waiting for a pooled connection and opening a new one: the bound on how
            // long a request can wait for the database before it is told 503.
            ConnectionTimeout = (uint)options.ConnectionTimeoutSeconds,
            ConnectionIdleTimeout = (uint)options.ConnectionIdleTimeoutSeconds,
            // Reset on checkout (MySqlConnector's default, kept deliberately): one pipelined
            // round trip that rolls back anything a failed user left open, puts session variables
            // (the statement limits of StatementLimits) back to the server's, and finds connections
            // the server dropped (a restart, a failover) before a request's batch meets them.
            ConnectionReset = true,
            DefaultCommandTimeout = (uint)options.CommandTimeoutSeconds,
            CancellationTimeout = 2,
            ApplicationName = name,
            DateTimeKind = MySqlDateTimeKind.Utc,
            // Parameters are inlined client-side, so a multi-statement batch is one packet.
            AllowUserVariables = false,
        };

    private static bool IsParsable(string connectionString)
    {
        try
        {
            _ = new MySqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
