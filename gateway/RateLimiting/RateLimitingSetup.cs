namespace Platform.Gateway.RateLimiting;

public static class RateLimitingSetup
{
    public static WebApplicationBuilder AddClientRateLimiting(this WebApplicationBuilder builder) => builder;

    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app) => app;

    public static WebApplication UseClientRateLimiting(this WebApplication app) => app;
}
