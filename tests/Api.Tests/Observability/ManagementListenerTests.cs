using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Api.Observability;
using Platform.Contracts.Management;

namespace Platform.Api.Tests.Observability;

/// <summary>A replica serves /metrics on its management listener unless Metrics:Port is 0 or Metrics:Enabled is false, as the gateway does.</summary>
public class ManagementListenerTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("false", null, false)]
    [InlineData(null, "0", false)]
    public void The_listener_runs_unless_it_is_turned_off(string? enabled, string? port, bool served)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        if (enabled is not null)
            builder.Configuration["Metrics:Enabled"] = enabled;
        if (port is not null)
            builder.Configuration["Metrics:Port"] = port;

        builder.AddObservability();

        Assert.Equal(served, builder.Services.Any(service =>
            service.ServiceType == typeof(IHostedService) && service.ImplementationType == typeof(ManagementServer)));
    }
}
