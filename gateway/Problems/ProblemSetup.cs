namespace Platform.Gateway.Problems;

public static class ProblemSetup
{
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<GatewayExceptionHandler>();
        return builder;
    }

    /// <summary>
    /// Exceptions become problem+json. Status-code pages are deliberately not used: they would put
    /// a body on a replica's own bodiless answers. The gateway's own answers (404 for anything outside
    /// /api, 413, 502-504 from the proxy) write their problem directly, see <see cref="GatewayProblems"/>.
    /// </summary>
    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        return app;
    }
}
