using System.ComponentModel.DataAnnotations;
using Platform.Gateway.Problems;
using Yarp.ReverseProxy.Health;

namespace Platform.Gateway.Proxy;

public static class ProxySetup
{
    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddDestinationsFile(builder.Environment);
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        // Used below before ValidateOnStart runs, so checked here too, with the same messages.
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        var proxy = builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .ConfigureHttpClient((context, handler) =>
            {
                // SocketsHttpHandler's default is already unlimited; said here so that a cap is a
                // deliberate ReverseProxy:Clusters:*:HttpClient:MaxConnectionsPerServer, never a surprise.
                handler.MaxConnectionsPerServer = context.NewConfig.MaxConnectionsPerServer ?? int.MaxValue;
                handler.PooledConnectionLifetime = options.PooledConnectionLifetime;
                handler.ConnectTimeout = options.ConnectTimeout;
            });
        if (options.ResolveDnsDestinations)
            proxy.AddDnsDestinationResolver(dns => dns.RefreshPeriod = options.DnsRefreshPeriod);

        // YARP reads the passive policy's window and threshold from options, not from its config section.
        // Its default 60 s window also keeps a destination out for 60 s after it recovers.
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(
            builder.Configuration.GetSection($"{ProxyOptions.Section}:TransportFailureRate"));

        // Kestrel:Limits from configuration: MaxRequestBodySize (64 KiB) is what RequestBodyLimit enforces.
        builder.WebHost.ConfigureKestrel((context, kestrel) => context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits));
        // SIGTERM stops accepting connections and lets in-flight requests finish for this long.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout);
        return builder;
    }

    public static WebApplication MapProxy(this WebApplication app)
    {
        app.MapReverseProxy(pipeline =>
        {
            // Order matters. Problems outermost, so every failure below is answered as problem+json;
            // the body check before a destination is chosen; the retry before load balancing, which
            // narrows the candidates to one; passive health innermost, so it sees each attempt.
            pipeline.UseForwarderProblems();
            pipeline.UseRequestBodyLimit();
            pipeline.UseSessionAffinity();
            pipeline.UseSafeRetry();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });

        // Only /api/** is proxied; anything else, /metrics and /health/* included, is not found here.
        app.MapFallback("{**path}", static context => GatewayProblems.WriteAsync(context,
            StatusCodes.Status404NotFound, GatewayProblems.NotFound, "Not found",
            "The gateway serves only the API, under /api/."));
        return app;
    }
}
