using System.Diagnostics;
using OpenTelemetry.Trace;
using Platform.Api.Observability;
using Platform.Api.Outbox;
using Platform.Contracts.Tracing;

namespace Platform.Api.Tracing;

public static class ApiTracingSetup
{
    /// <summary>The replicas' service name in every span and log record; each replica is an instance of it (its <c>Replica:Id</c>).</summary>
    public const string ServiceName = "api";

    /// <summary>
    /// Traces when a collector is named (<see cref="TracingSetup"/>): the replica's server span, a child
    /// of the gateway's attempt; MySqlConnector's span for each statement and batch, and the Redis
    /// client's for each command, under it; the relay's publications, linked to the requests that wrote
    /// their events (<see cref="TracedEvents"/>).
    /// </summary>
    public static WebApplicationBuilder AddApiTracing(this WebApplicationBuilder builder)
    {
        var id = builder.Configuration[$"{ReplicaOptions.Section}:{nameof(ReplicaOptions.Id)}"];
        builder.AddTracing(ServiceName, string.IsNullOrEmpty(id) ? Environment.MachineName : id, tracing => tracing
            .AddSource("MySqlConnector")
            .AddSource(TracedEvents.SourceName)
            .AddRedisInstrumentation(),
            probes: ["/api/v1/health"]); // the gateway's probes come with no context; through the gateway, health is traced
        return builder;
    }

    /// <summary>
    /// Keeps the trace of a request this replica answered with a 5xx (a failure, a shed, a deadline),
    /// however it was sampled: its server span is exported, without the statements that ended before
    /// the outcome was known. Placed inside the request timing, so the kept trace is the histogram's
    /// exemplar. Nothing when tracing is off.
    /// </summary>
    public static WebApplication UseKeptFailures(this WebApplication app)
    {
        if (app.Services.GetService<TracerProvider>() is null)
            return app;
        app.Use(static async (context, next) =>
        {
            await next(context);
            if (KeptTraces.IsKeptStatus(context.Response.StatusCode))
                KeptTraces.Keep(Activity.Current);
        });
        return app;
    }
}
