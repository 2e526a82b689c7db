using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Problems;

namespace Platform.Api.Problems;

/// <summary>
/// How the API writes its problems (RFC 9457), from endpoints and from middleware. The <c>type</c> is
/// one of <see cref="ProblemTypes"/>, the short names the contract uses, so clients can switch on it.
/// </summary>
public static class Problems
{
    /// <summary>Seconds a client should wait before retrying after a 503.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary><see cref="RetryAfterSeconds"/> as the header's value.</summary>
    public static readonly string RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes a problem from middleware, outside any endpoint (the same writer the exception handler uses).</summary>
    public static async Task WriteAsync(IProblemDetailsService problems, HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        });
    }

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            detail: "One or more fields are invalid; see errors.",
            type: ProblemTypes.ValidationFailed,
            title: "The request is invalid");

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Conflict(string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, type: type);

    public static ProblemHttpResult Unprocessable(string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, type: type);

    public static ProblemHttpResult NotFoundProblem(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found", type: ProblemTypes.NotFound);
}
