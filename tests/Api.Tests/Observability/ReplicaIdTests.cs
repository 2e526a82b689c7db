using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Api.Observability;
using Platform.Topology;

namespace Platform.Api.Tests.Observability;

/// <summary>
/// Who a replica says it is, from the replica's own appsettings.json: the host name when nobody sets
/// <c>Replica:Id</c> (compose sets none: each container's host name is its id), and a start-up refusal
/// when it is set empty. An empty value in appsettings.json once made every unset replica refuse to start.
/// </summary>
public sealed class ReplicaIdTests
{
    [Fact]
    public void Unset_it_is_the_host_name()
    {
        Assert.Equal(Environment.MachineName, Bind(id: null).Id);
    }

    [Fact]
    public void Set_it_is_what_was_set()
    {
        Assert.Equal("api-7", Bind(id: "api-7").Id);
    }

    [Fact]
    public void Set_empty_it_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(id: ""));
        Assert.Contains("Replica:Id must not be empty", error.Message, StringComparison.Ordinal);
    }

    private static ReplicaOptions Bind(string? id)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddJsonFile(RepositoryRoot.Combine("api", "appsettings.json"), optional: false);
        if (id is not null)
            builder.Configuration["Replica:Id"] = id;
        builder.AddObservability();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ReplicaOptions>>().Value;
    }
}
