using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Platform.Api.Health;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Never touches the database, so a database outage does not
        // get healthy replicas restarted.
        app.MapGet("/api/v1/health", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health");

        // Readiness: the database answers. For load balancers and orchestrators, not for clients
        // (the gateway does not route it).
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    status = report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy ? "ok" : "unavailable",
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                }));
            },
        }).ExcludeFromDescription();
        return app;
    }
}
