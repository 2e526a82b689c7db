using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Api.Problems;

/// <summary>
/// Every problem type the API answers with (RFC 9457). The <c>type</c> is the short name the contract
/// uses, so clients can switch on it.
/// </summary>
public static class Problems
{
    public const string ValidationFailed = "validation-failed";
    public const string MalformedRequest = "malformed-request";
    public const string DatesUnavailable = "dates-unavailable";
    public const string UnknownAccommodation = "unknown-accommodation";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string NotFound = "not-found";
    public const string InvalidTransition = "invalid-transition";
    public const string DatabaseUnavailable = "database-unavailable";
    public const string PayloadTooLarge = "payload-too-large";
    public const string InternalError = "internal-error";
    public const string DeadlineExceeded = "deadline-exceeded";
    public const string TemporaryReducedCapacity = "temporary-reduced-capacity";
    public const string AnonymousWritesBusy = "anonymous-writes-busy";
    public const string InvalidIdentity = "invalid-identity";
    public const string InsufficientScope = "insufficient-scope";
    public const string GuestSecretRequired = "guest-secret-required";
    public const string HoldQuotaExceeded = "hold-quota-exceeded";
    public const string AnonymousHoldBudgetExhausted = "anonymous-hold-budget-exhausted";
    public const string BeyondBookingHorizon = "beyond-booking-horizon";
    public const string TooManyNights = "too-many-nights";
    public const string ConfirmNotAllowed = "confirm-not-allowed";

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
            type: ValidationFailed,
            title: "The request is invalid");

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Conflict(string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, type: type);

    public static ProblemHttpResult Unprocessable(string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, type: type);

    public static ProblemHttpResult NotFoundProblem(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found", type: NotFound);
}
