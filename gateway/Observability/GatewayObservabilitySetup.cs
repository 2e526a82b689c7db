namespace Platform.Gateway.Observability;

public static class GatewayObservabilitySetup
{
    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder) => builder;

    public static WebApplication UseGatewayObservability(this WebApplication app) => app;
}
