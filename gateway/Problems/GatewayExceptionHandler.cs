using Microsoft.AspNetCore.Diagnostics;
using Platform.Contracts.Problems;

namespace Platform.Gateway.Problems;

/// <summary>
/// Turns what escapes the gateway's own code into problem+json: a body the client sent badly into
/// its 4xx, anything else into a logged 500 with no internals. Failures of a replica never arrive
/// here: YARP reports those as <see cref="Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature"/>.
/// </summary>
public sealed partial class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ClientDeparture.Seen(httpContext, exception))
            return true; // The client went away; there is nobody to answer.

        if (exception is BadHttpRequestException bad)
        {
            await (bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? GatewayProblems.WriteAsync(httpContext, bad.StatusCode, ProblemTypes.PayloadTooLarge,
                    "The request body is too large", bad.Message)
                : GatewayProblems.WriteAsync(httpContext, bad.StatusCode, ProblemTypes.MalformedRequest,
                    "The request could not be read", bad.Message));
            return true;
        }

        LogFailure(exception);
        await GatewayProblems.WriteAsync(httpContext, StatusCodes.Status500InternalServerError, ProblemTypes.InternalError,
            "Unexpected error", "The request failed unexpectedly; it has been logged.");
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogFailure(Exception exception);
}
