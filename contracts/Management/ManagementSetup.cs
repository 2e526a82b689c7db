using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Contracts.Management;

public static class ManagementSetup
{
    /// <summary>
    /// Binds and checks the <c>Metrics</c> section and, when it says so (<see cref="MetricsOptions.IsServed"/>),
    /// runs <typeparamref name="TServer"/> as the management listener. Returns the settings, for what
    /// else the service decides by them.
    /// </summary>
    public static MetricsOptions AddManagementServer<TServer>(this WebApplicationBuilder builder)
        where TServer : ManagementServer
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();

        var metrics = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        // Used here, before ValidateOnStart runs, so checked here too, with the same messages.
        Validator.ValidateObject(metrics, new ValidationContext(metrics), validateAllProperties: true);
        if (metrics.IsServed)
            builder.Services.AddHostedService<TServer>();
        return metrics;
    }
}
