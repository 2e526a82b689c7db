namespace Platform.Contracts.Problems;

/// <summary>
/// Every problem type (RFC 9457 <c>type</c>) the platform answers with, as the short names clients
/// switch on: one vocabulary whichever part answered, since a replica's problems pass through the
/// gateway untouched. The writers stay with who answers (the API's <c>Problems</c>, the gateway's
/// <c>GatewayProblems</c>). Every name here has a row in the answer tables of README.md (the
/// replicas') or docs/api.md (the gateway's), and every documented type is here: ProblemTypesDocsTests.
/// </summary>
public static class ProblemTypes
{
    // Answered by the gateway and by the replicas alike.

    public const string NotFound = "not-found";
    public const string MalformedRequest = "malformed-request";
    public const string PayloadTooLarge = "payload-too-large";
    public const string InternalError = "internal-error";

    // Answered by the gateway itself: at the door, identification, rate limits, the proxy.

    /// <summary>A header name or value the gateway cannot forward (non-ASCII, control characters); refused at the door.</summary>
    public const string InvalidHeader = "invalid-header";
    public const string UnknownApiKey = "unknown-api-key";
    public const string ApiKeyInQuery = "api-key-in-query";
    public const string TooManyFailedAuthentications = "too-many-failed-authentications";
    public const string QuotaExceeded = "quota-exceeded";
    public const string UpstreamUnavailable = "upstream-unavailable";
    public const string UpstreamTimeout = "upstream-timeout";
    public const string UpstreamError = "upstream-error";

    // Answered by the replicas: identity, validation, the reservations' rules, limits, overload.

    public const string InvalidIdentity = "invalid-identity";
    public const string InsufficientScope = "insufficient-scope";
    public const string GuestSecretRequired = "guest-secret-required";
    public const string ValidationFailed = "validation-failed";
    public const string DatesUnavailable = "dates-unavailable";
    public const string UnknownAccommodation = "unknown-accommodation";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string InvalidTransition = "invalid-transition";
    public const string HoldQuotaExceeded = "hold-quota-exceeded";
    public const string AnonymousHoldBudgetExhausted = "anonymous-hold-budget-exhausted";
    public const string BeyondBookingHorizon = "beyond-booking-horizon";
    public const string TooManyNights = "too-many-nights";
    public const string ConfirmNotAllowed = "confirm-not-allowed";
    public const string AnonymousWritesBusy = "anonymous-writes-busy";
    public const string TemporaryReducedCapacity = "temporary-reduced-capacity";
    /// <summary>A concurrent change to the same rows won (a deadlock, or on a Galera cluster a lost certification) and stayed so through the retries; nothing was stored.</summary>
    public const string WriteConflict = "write-conflict";
    public const string DatabaseUnavailable = "database-unavailable";
    /// <summary>The back office's report totals are being built from the reservations (after an upgrade or a seed); seconds.</summary>
    public const string ReportsBuilding = "reports-building";
    public const string DeadlineExceeded = "deadline-exceeded";
}
