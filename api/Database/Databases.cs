using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Observability;

namespace Platform.Api.Database;

/// <summary>
/// The two connection pools of a replica: one for requests, one for background work. Each is named
/// after the replica so MySqlConnector's own pool metrics tell the replicas apart.
/// </summary>
public static class Databases
{
    public const string Background = "background";

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

        builder.Services.AddSingleton(sp => Create(sp, background: false));
        builder.Services.AddKeyedSingleton(Background, (sp, _) => Create(sp, background: true));
        builder.Services.AddHostedService<SchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    private static MySqlDataSource Create(IServiceProvider services, bool background)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        // Pool metrics must be listening before the first connection opens.
        _ = services.GetRequiredService<MeterExport>();
        var replica = services.GetRequiredService<IOptions<ReplicaOptions>>().Value;
        var name = background ? $"{replica.Id}-background" : replica.Id;
        var connection = new MySqlConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = true,
            MaximumPoolSize = (uint)(background ? options.BackgroundPoolSize : options.MaximumPoolSize),
            MinimumPoolSize = (uint)(background ? 0 : options.MinimumPoolSize),
            // Covers both waiting for a pooled connection and opening a new one: the bound on how
            // long a request can wait for the database before it is told 503.
            ConnectionTimeout = (uint)options.ConnectionTimeoutSeconds,
            ConnectionIdleTimeout = (uint)options.ConnectionIdleTimeoutSeconds,
            // Reset on checkout (MySqlConnector's default, kept deliberately): one pipelined
            // round trip that rolls back anything a failed user left open and finds connections
            // the server dropped (a restart, a failover) before a request's batch meets them.
            ConnectionReset = true,
            DefaultCommandTimeout = (uint)options.CommandTimeoutSeconds,
            CancellationTimeout = 2,
            ApplicationName = name,
            DateTimeKind = MySqlDateTimeKind.Utc,
            // Parameters are inlined client-side, so a multi-statement batch is one packet.
            AllowUserVariables = false,
        };
        return new MySqlDataSourceBuilder(connection.ConnectionString).UseName(name).Build();
    }

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
