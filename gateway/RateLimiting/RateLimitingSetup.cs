using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

public static class RateLimitingSetup
{
    public static WebApplicationBuilder AddClientRateLimiting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new LimiterClock(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PolicySet>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
            var clock = provider.GetRequiredService<LimiterClock>();
            // Seniority lives on the address's partition, so with the ceiling on an address with a
            // history of at least a second is remembered for a while after its bucket is full again.
            var retention = options.AnonymousCeiling.Enabled ? (long)(options.AnonymousCeiling.Retention.TotalSeconds * clock.TicksPerSecond) : 0;
            return new PartitionTable(provider.GetRequiredService<PolicySet>().All.Count, options.MaxPartitions, retention, clock.TicksPerSecond);
        });
        services.AddSingleton<RedisTokenBuckets>();
        services.AddSingleton<AnonymousCeiling>();
        services.AddSingleton<ClientRateLimiter>();
        services.AddSingleton<RateLimitMetrics>();
        services.AddHostedService<PartitionSweeper>();

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ClientRateLimiter, PolicySet>((options, limiter, policies) =>
        {
            options.GlobalLimiter = limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RateLimitProblems.Rejected;
            // Registered by name so a YARP route can say RateLimiterPolicy: "<name>" (YARP checks the
            // name exists). The partition is a no-op on purpose: ClientPolicySelection reads the name
            // and ClientRateLimiter applies that policy's buckets, lock-free.
            foreach (var policy in policies.All)
            {
                options.AddPolicy(policy.Name, static _ => RateLimitPartition.GetNoLimiter(0));
            }
        });

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<RateLimitingOptions>>((forwarded, limits) =>
        {
            // The client's address for its bucket, and the scheme it used: behind a TLS-terminating
            // balancer the request is HTTPS, so HSTS is sent and the replicas are told https.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Nobody is trusted unless configured: the framework's default trusts loopback, which
            // would let any local client pick its own bucket with a spoofed header.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in limits.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in limits.Value.TrustedNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            // Walk X-Forwarded-For from the right through every trusted hop, stopping at the first untrusted one.
            forwarded.ForwardLimit = null;
        });
        return builder;
    }

    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        // Only with someone to trust: with no known proxies and no known networks the framework's
        // middleware believes every peer's X-Forwarded-For, which would hand out buckets on request.
        var limits = app.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (limits.TrustedProxies.Count > 0 || limits.TrustedNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    public static WebApplication UseClientRateLimiting(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Enabled)
        {
            return app;
        }
        app.Services.GetRequiredService<RateLimitMetrics>();
        app.UseMiddleware<ClientPolicySelection>();
        app.UseRateLimiter();
        return app;
    }
}
