using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Observability;
using Platform.Contracts.Problems;

namespace Platform.Api.Problems;

/// <summary>
/// Turns what escapes a handler into problem+json: unreadable requests into 4xx, work cut off by the
/// request's deadline into 504, an unreachable database into a fast 503 with Retry-After, anything
/// else into a logged 500 with no internals.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        // DeadlineMiddleware has put the client's own token back by now, so this is the client's
        // abort alone, not the deadline's.
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            return true; // The client went away; there is nobody to answer.

        var deadline = context.Features.Get<RequestDeadline>();
        var problem = deadline is not null && CutOffByDeadline(exception, deadline)
            ? DeadlineExceeded(deadline)
            : Describe(exception, context);
        if (problem.Status == StatusCodes.Status504GatewayTimeout)
        {
            OverloadMetrics.CountDeadlineExceeded(deadline!.Class);
            LogDeadlineExceeded(deadline.Class.Label);
            context.Response.Headers.RetryAfter = Problems.RetryAfter;
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(exception);
            context.Response.Headers.RetryAfter = Problems.RetryAfter;
        }
        else if (problem.Status == StatusCodes.Status409Conflict)
        {
            LogWriteConflict(exception.Message);
            context.Response.Headers.RetryAfter = Problems.RetryAfter;
        }
        else if (problem.Status >= 500)
        {
            LogFailure(exception);
        }

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var written = await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
        // The exception handler cleared the endpoint; put it back so the request's metrics keep its
        // route (a 503 counts against /api/v1/reservations/, not against an empty endpoint).
        if (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint is { } endpoint)
            context.SetEndpoint(endpoint);
        return written;
    }

    /// <summary>
    /// The deadline's token cancelled the work, or one of the server-side limits set from the deadline
    /// fired. max_statement_time's 1969 counts even a hair before this replica's clock says the
    /// deadline passed: the server was given exactly the time that remained.
    /// </summary>
    private static bool CutOffByDeadline(Exception exception, RequestDeadline deadline) =>
        DatabaseErrors.IsCutOff(exception)
        && (deadline.HasPassed || exception is MySqlConnector.MySqlException { Number: DatabaseErrors.StatementTimeout });

    private static ProblemDetails DeadlineExceeded(RequestDeadline deadline) => new()
    {
        Status = StatusCodes.Status504GatewayTimeout,
        Type = ProblemTypes.DeadlineExceeded,
        Title = "The request's deadline passed",
        Detail = deadline.Class == Bulkheads.WorkClass.Write
            ? $"The deadline passed before the change was stored; it was rolled back and nothing was changed. Retry after {Problems.RetryAfterSeconds} s (with the same Idempotency-Key, a create is never stored twice)."
            : $"The deadline passed before the answer was ready. Retry after {Problems.RetryAfterSeconds} s.",
    };

    private static ProblemDetails Describe(Exception exception, HttpContext context) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Type = ProblemTypes.PayloadTooLarge,
            Title = "The request body is too large",
            Detail = $"The body may be at most {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes.",
        },
        BadHttpRequestException { InnerException: JsonException json } => Malformed(json),
        BadHttpRequestException bad => new ProblemDetails
        {
            Status = bad.StatusCode,
            Type = ProblemTypes.MalformedRequest,
            Title = "The request could not be read",
            Detail = bad.Message,
        },
        MySqlConnector.MySqlException { Number: DatabaseErrors.Deadlock } => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.WriteConflict,
            Title = "A concurrent change to the same reservation or nights won",
            Detail = $"The change was rolled back and nothing was stored. Retry after {Problems.RetryAfterSeconds} s (with the same Idempotency-Key, a create is never stored twice).",
        },
        _ when DatabaseErrors.IsUnavailable(exception) => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.DatabaseUnavailable,
            Title = "The database is unavailable",
            Detail = $"The reservation store could not be reached in time; nothing was changed. Retry after {Problems.RetryAfterSeconds} s.",
        },
        _ => new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Type = ProblemTypes.InternalError,
            Title = "Unexpected error",
            Detail = "The request failed unexpectedly; it has been logged.",
        },
    };

    private static ValidationProblemDetails Malformed(JsonException json)
    {
        var problem = new ValidationProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.MalformedRequest,
            Title = "The request body is not valid JSON for this call",
        };
        // The reader's own error (bad syntax, truncated body) arrives wrapped as the inner exception;
        // a value of the wrong type or format arrives with the path of the field it was meant for.
        if (json.InnerException is JsonException)
        {
            problem.Detail = $"The body is not well-formed JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).";
        }
        else if (json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            var field = path[2..];
            problem.Detail = $"The field '{field}' has the wrong type or format.";
            problem.Errors[field] = ["has the wrong type or format"];
        }
        else
        {
            problem.Detail = "The body must be a JSON object.";
        }
        return problem;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline passed while working on a {Class}, answered 504")]
    private partial void LogDeadlineExceeded(string @class);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable, answered 503")]
    private partial void LogUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Write conflict after retries, answered 409: {Reason}")]
    private partial void LogWriteConflict(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogFailure(Exception exception);
}
