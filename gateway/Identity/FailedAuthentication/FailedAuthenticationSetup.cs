using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Identity.FailedAuthentication;

public static class FailedAuthenticationSetup
{
    public static WebApplicationBuilder AddFailedAuthenticationLockout(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FailedAuthenticationOptions>().BindConfiguration(FailedAuthenticationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FailedAuthenticationOptions>, FailedAuthenticationOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FailedAuthentications>();
        services.AddSingleton<FailedAuthenticationMetrics>();
        services.AddHostedService<FailedAuthenticationSweeper>();
        return builder;
    }

    /// <summary>Before identification, after routing: only proxied routes are identified, so only they are locked out.</summary>
    public static WebApplication UseFailedAuthenticationLockout(this WebApplication app)
    {
        app.Services.GetRequiredService<FailedAuthenticationMetrics>();
        app.UseMiddleware<FailedAuthenticationLockout>();
        return app;
    }
}
