using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Platform.Api.Health;

/// <summary>
/// On SIGTERM: readiness fails at once, requests are still served for <see cref="ShutdownOptions.DrainDelay"/>,
/// then the host stops as usual (Kestrel stops listening and lets in-flight requests finish).
/// Without the delay a replica stopped by compose or a Swarm would refuse connections while the
/// gateway still routed to it.
/// </summary>
public static class Draining
{
    public static WebApplicationBuilder AddDraining(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHealthChecks().AddCheck<DrainingHealthCheck>("draining", tags: ["ready"]);
        return builder;
    }

    /// <summary>Holds the host's stop for the drain delay; ApplicationStopping runs before the server stops.</summary>
    public static WebApplication UseDraining(this WebApplication app)
    {
        var delay = app.Services.GetRequiredService<IOptions<ShutdownOptions>>().Value.DrainDelay;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Draining));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            if (delay <= TimeSpan.Zero)
                return;
            LogDraining(logger, delay.TotalSeconds);
            Thread.Sleep(delay);
        });
        return app;
    }

    private static void LogDraining(ILogger logger, double seconds) =>
        logger.LogInformation("Stopping: not ready from now on, still serving for {DrainSeconds} s so load balancers move away", seconds);

    /// <summary>Unhealthy once the host has begun to stop.</summary>
    private sealed class DrainingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("The replica is stopping.")
                : HealthCheckResult.Healthy());
    }
}
