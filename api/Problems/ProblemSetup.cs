using System.Text.Json.Serialization;

namespace Platform.Api.Problems;

public static class ProblemSetup
{
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Unreadable bodies reach the exception handler as exceptions, so they get the same problem+json.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // "guests": "2" is a wrong type, not a number: the web defaults would accept it.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return builder;
    }

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Bare 4xx/5xx from routing or the server (404, 405, 415) get a problem body too.
        app.UseStatusCodePages();
        return app;
    }
}
