using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Api.Outbox;

public static class OutboxSetup
{
    public static WebApplicationBuilder AddOutbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => IsParsable(o.Configuration), "Redis:Configuration is not a valid Redis configuration string.")
            .Validate(o => o.PasswordFile.Length == 0 || File.Exists(o.PasswordFile), "Redis:PasswordFile names no file.")
            .ValidateOnStart();

        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var options = ConfigurationOptions.Parse(settings.Configuration);
            if (settings.PasswordFile.Length > 0)
            {
                options.Password = File.ReadAllText(settings.PasswordFile).Trim();
            }

            // Redis being down must not stop the replica or stall the relay: start disconnected,
            // fail commands at once while disconnected, and keep reconnecting in the background.
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            options.AsyncTimeout = 2000;
            options.SyncTimeout = 2000;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ReconnectRetryPolicy = new LinearRetry(1000);
            options.ClientName = "platform-api";
            // Redis's relay user may not GET the tie-breaker key or SUBSCRIBE to the configuration channel the
            // library uses on connect; both serve several primaries, and there is one.
            options.TieBreaker = "";
            options.ConfigurationChannel = "";
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton<RolledBackEvents>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }

    private static bool IsParsable(string configuration)
    {
        try
        {
            return ConfigurationOptions.Parse(configuration).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
