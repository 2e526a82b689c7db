using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Platform.Contracts.Tracing;

namespace Platform.Gateway.Tracing;

public static class GatewayTracingSetup
{
    /// <summary>The gateway's service name in every span and log record it exports.</summary>
    public const string ServiceName = "gateway";

    /// <summary>
    /// Traces when a collector is named (<see cref="TracingSetup"/>): a server span per request, an
    /// attempt span per send to a replica (<see cref="AttemptSpans"/>). A client's trace context is
    /// never a parent here (<see cref="ClientTraceContext"/>).
    /// </summary>
    public static WebApplicationBuilder AddGatewayTracing(this WebApplicationBuilder builder)
    {
        // Hosting reads the incoming context through the registered propagator: the client's is ignored.
        builder.Services.AddSingleton<DistributedContextPropagator>(new ClientTraceContext.Ignored());
        // System.Net.Http: the socket handler starts a span of its own under each attempt whenever there is
        // a current span, and the context it sends is that span's; exported, the replica's span has its parent.
        var traced = builder.AddTracing(ServiceName, Environment.MachineName, tracing => tracing
            .AddSource(AttemptSpans.SourceName)
            .AddSource("System.Net.Http"));
        if (traced)
        {
            // OpenTelemetry's server instrumentation extracts the context again whenever the default
            // propagator is anything but W3C trace context alone (by default it adds baggage), which
            // would make the client's traceparent the parent after all.
            Sdk.SetDefaultTextMapPropagator(new TraceContextPropagator());
        }

        return builder;
    }

    /// <summary>Takes the client's trace headers off every request, traced or not, before anything forwards it.</summary>
    public static IApplicationBuilder UseClientTraceContext(this IApplicationBuilder app)
    {
        app.Use(static (context, next) =>
        {
            ClientTraceContext.Untrust(context);
            return next(context);
        });
        return app;
    }
}
