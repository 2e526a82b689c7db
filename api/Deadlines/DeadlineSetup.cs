using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Api.Observability;

namespace Platform.Api.Deadlines;

public static class DeadlineSetup
{
    public static WebApplicationBuilder AddDeadlines(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeadlineOptions>().BindConfiguration(DeadlineOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Default <= o.Maximum, "Deadlines:Default must not exceed Deadlines:Maximum.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        OverloadMetrics.PublishAll();
        return builder;
    }

    /// <summary>After routing (it reads the endpoint's class), before the bulkheads (a stale request takes no slot).</summary>
    public static WebApplication UseDeadlines(this WebApplication app)
    {
        app.UseMiddleware<DeadlineMiddleware>();
        return app;
    }
}
