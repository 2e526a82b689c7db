using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Gateway.Configuration;

namespace Platform.Gateway.Identity;

public static class IdentitySetup
{
    /// <summary>
    /// Identity is always on: no setting turns it off, since a replica trusts nothing but the header it
    /// signs. Its clients' tiers are rate-limit policies, so <c>AddClientRateLimiting</c> must be called too.
    /// </summary>
    public static WebApplicationBuilder AddClientIdentity(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddWatchedSettingsFile(builder.Environment, $"{IdentityOptions.Section}:{nameof(IdentityOptions.ClientsFile)}");
        var services = builder.Services;
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section);
        services.AddSingleton<IdentityOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IdentityMetrics>();
        services.AddSingleton<SigningKey>();
        services.AddSingleton<ApiKeyDirectory>();
        return builder;
    }

    /// <summary>Checks the settings now (a wrong one stops the gateway, naming the key), then identifies and signs every proxied request.</summary>
    public static WebApplication UseClientIdentity(this WebApplication app)
    {
        app.Services.GetRequiredService<ApiKeyDirectory>();
        app.Services.GetRequiredService<SigningKey>();
        app.UseMiddleware<ClientIdentification>();
        return app;
    }
}
