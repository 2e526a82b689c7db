using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Contracts.Problems;
using Platform.Gateway.Configuration;
using Platform.Gateway.Deadlines;
using Platform.Gateway.Hedging;
using Platform.Gateway.Identity;
using Platform.Gateway.Outliers;
using Platform.Gateway.Problems;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace Platform.Gateway.Proxy;

public static class ProxySetup
{
    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddWatchedSettingsFile(builder.Environment, $"{ProxyOptions.Section}:{nameof(ProxyOptions.DestinationsFile)}");
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        // Used below before ValidateOnStart runs, so checked here too, with the same messages.
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        if (RouteDeadlines.InvalidKeys(builder.Configuration).FirstOrDefault() is { } invalid)
            throw new Microsoft.Extensions.Options.OptionsValidationException(invalid, typeof(ProxyOptions),
                [$"{invalid} must be a time span between {RouteDeadlines.Minimum} and {RouteDeadlines.Maximum}."]);
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Each policy registers itself (options, services, transforms, its series in /metrics); the
        // order they act in on a request is MapProxy's pipeline below.
        var proxy = builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddDeadlines()
            .AddOutlierEjection()
            .AddSafeRetry()
            .AddHedging()
            // Which server software answers is nobody's business (the replicas send none either).
            .AddTransforms(static transforms => transforms.AddResponseHeaderRemove(HeaderNames.Server));
        if (options.ResolveDnsDestinations)
            proxy.AddDnsDestinationResolver(dns => dns.RefreshPeriod = options.DnsRefreshPeriod);

        // YARP reads the passive policy's window and threshold from options, not from its config section.
        // Its default 60 s window also keeps a destination out for 60 s after it recovers.
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(
            builder.Configuration.GetSection($"{ProxyOptions.Section}:TransportFailureRate"));

        // Kestrel:Limits from configuration: MaxRequestBodySize (64 KiB) is what RequestBodyLimit enforces.
        // No Server header: it tells an attacker which software to aim at and helps nobody else.
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
        });
        // SIGTERM stops accepting connections and lets in-flight requests finish for this long.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout);
        return builder;
    }

    public static WebApplication MapProxy(this WebApplication app)
    {
        app.MapReverseProxy(pipeline =>
        {
            // Order matters. Problems outermost, so every failure below is answered as problem+json;
            // the body read in full next, before a destination is chosen and before the deadline
            // starts, so a client's slow or broken upload is its own 4xx and never a replica's
            // failure; the identity signed over the body that read holds, before the retry and the
            // hedge plan copy it; the deadline next, so retries and hedges are all inside it; ejected
            // replicas dropped before the retry and the hedge plan take their candidates, both before
            // load balancing, which narrows them to one; passive health innermost, so it sees each attempt.
            pipeline.UseForwarderProblems();
            pipeline.UseRequestBodyLimit();
            pipeline.UseMiddleware<IdentitySigning>();
            pipeline.UseDeadlines();
            pipeline.UseSessionAffinity();
            pipeline.UseOutlierEjection();
            pipeline.UseSafeRetry();
            pipeline.UseHedgePlans();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });

        // Only /api/** is proxied; anything else, /metrics and /health/* included, is not found here.
        app.MapFallback("{**path}", static context => GatewayProblems.WriteAsync(context,
            StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found",
            "The gateway serves only the API, under /api/."));
        return app;
    }
}
