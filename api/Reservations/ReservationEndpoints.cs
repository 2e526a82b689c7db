using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.Api.Accommodations;
using Platform.Api.Bulkheads;
using Platform.Api.Deadlines;
using Platform.Api.Identity;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.Reservations;

public static class ReservationEndpoints
{
    public const string Prefix = "/api/v1/reservations";
    private const int DefaultListLimit = 20;
    private const int MaxListLimit = 100;

    public static IEndpointRouteBuilder MapReservations(this IEndpointRouteBuilder app)
    {
        // Each call's scope (docs/identity.md): 401 invalid-identity without the gateway's signed identity,
        // 403 insufficient-scope without the scope. A guest reads and manages with its secret instead.
        var group = app.MapGroup(Prefix).WithTags("Reservations");
        group.MapPost("", Create).Writes().RequireScope(Scopes.Create)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{code}", Get).Reads().RequireScope(IdentitySetup.ReadOwn).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("", ListByPhone).Reads().RequireScope(Scopes.Read);
        group.MapPost("/{code}/confirm", Confirm).Writes().RequireScope(IdentitySetup.ManageOwn)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{code}/cancel", Cancel).Writes().RequireScope(IdentitySetup.ManageOwn)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<Reservation>, ValidationProblem, ProblemHttpResult>> Create(
        CreateReservationRequest? body, Caller caller, HttpContext context, AccommodationCatalog catalog, ReservationWriter writer,
        HoldQuotas quotas, IOptions<ReservationOptions> options, TimeProvider clock, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var bodyValid = ReservationValidator.TryValidate(body, today, out var request, out var errors);
        if (!IdempotencyKey.TryRead(context.Request, out var idempotencyKey))
            errors[PlatformHeaders.IdempotencyKey] = ["must be 1-64 of A-Z, a-z, 0-9, '_' and '-', sent once"];
        if (!bodyValid || errors.Count > 0)
            return Problem.Invalid(errors);

        // The caller's own limits that need no database (docs/api.md, Limits); its quotas are counted
        // in the create's batch.
        var limits = caller.Limits;
        if (limits.MaxNightsPerReservation is { } maxNights && request.Nights > maxNights)
        {
            HoldQuotas.CountRefusal(HoldQuotas.NightsReason);
            return Problem.Unprocessable(ProblemTypes.TooManyNights, "Too many nights",
                $"A reservation of this caller may cover at most {maxNights} nights; this one covers {request.Nights}.");
        }
        if (limits.HorizonDays is { } horizon && request.CheckIn.DayNumber - today.DayNumber > horizon)
        {
            HoldQuotas.CountRefusal(HoldQuotas.HorizonReason);
            return Problem.Unprocessable(ProblemTypes.BeyondBookingHorizon, "Beyond the booking horizon",
                $"This caller may book check-ins at most {horizon} days ahead, up to {today.AddDays(horizon):yyyy-MM-dd}.");
        }

        var accommodation = await catalog.FindAsync(request.AccommodationId, cancellationToken);
        if (accommodation is null)
        {
            return Problem.Unprocessable(ProblemTypes.UnknownAccommodation, "Unknown accommodation",
                $"There is no accommodation {request.AccommodationId}.");
        }
        if (request.Guests > accommodation.Capacity)
            return Problem.Invalid("guests", $"must not exceed the accommodation's capacity of {accommodation.Capacity}");

        // A guest gets a secret to come back with; only its hash is stored, and it is shown this once.
        var (guestSecret, guestSecretHash) = caller.IsAnonymous ? GuestSecret.New() : (null, null);
        var outcome = await writer.CreateAsync(request, accommodation, idempotencyKey, caller.Client, guestSecretHash, quotas.ChargeFor(caller),
            deadline, cancellationToken);
        switch (outcome)
        {
            case CreateOutcome.Created created:
                return TypedResults.Created($"{Prefix}/{created.Reservation.Code}", created.Reservation with { GuestSecret = guestSecret });
            case CreateOutcome.Replayed replayed:
                context.Response.Headers[PlatformHeaders.IdempotentReplayed] = "true";
                return TypedResults.Created($"{Prefix}/{replayed.Reservation.Code}", replayed.Reservation);
            case CreateOutcome.DatesUnavailable:
                return Problem.Conflict(ProblemTypes.DatesUnavailable, "Dates unavailable",
                    $"Accommodation {request.AccommodationId} is already reserved for at least one night from {request.CheckIn:yyyy-MM-dd} to {request.CheckOut:yyyy-MM-dd}.");
            case CreateOutcome.UnknownAccommodation:
                return Problem.Unprocessable(ProblemTypes.UnknownAccommodation, "Unknown accommodation",
                    $"There is no accommodation {request.AccommodationId}.");
            case CreateOutcome.QuotaExceeded quota:
                HoldQuotas.CountRefusal(HoldQuotas.QuotaReason);
                SetRetryAfter(context, quota.EarliestExpiry, clock, options.Value);
                return Problem.Conflict(ProblemTypes.HoldQuotaExceeded, "Hold quota reached",
                    $"This caller already holds as many pre-reservations or nights as it may (at most {limits.MaxHolds?.ToString(CultureInfo.InvariantCulture) ?? "any"} holds "
                    + $"and {limits.MaxHeldNights?.ToString(CultureInfo.InvariantCulture) ?? "any"} nights). Confirm or cancel one, or retry when one expires (Retry-After).");
            case CreateOutcome.BudgetExhausted budget:
                HoldQuotas.CountRefusal(HoldQuotas.BudgetReason);
                SetRetryAfter(context, budget.EarliestExpiry, clock, options.Value);
                return Problem.Conflict(ProblemTypes.AnonymousHoldBudgetExhausted, "Anonymous holds at their budget",
                    "Anonymous guests together hold as many nights as they may at the moment. Retry when holds expire (Retry-After), or book with an API key.");
            case CreateOutcome.IdempotencyKeyReused:
                return Problem.Unprocessable(ProblemTypes.IdempotencyKeyReused, "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request body.");
            default:
                throw new InvalidOperationException($"Unhandled create outcome {outcome.GetType().Name}.");
        }
    }

    /// <summary>
    /// Until the earliest hold in the way is swept: its expiry plus one sweep interval (the sweep frees
    /// it), at least 1 s. Sent only with a refusal, where waiting helps.
    /// </summary>
    private static void SetRetryAfter(HttpContext context, DateTime? earliestExpiry, TimeProvider clock, ReservationOptions options)
    {
        var untilExpiry = earliestExpiry is { } expiry ? DateTime.SpecifyKind(expiry, DateTimeKind.Utc) - clock.GetUtcNow().UtcDateTime : TimeSpan.Zero;
        var wait = (untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero) + options.ExpirySweepInterval;
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    public static async Task<Results<Ok<Reservation>, ProblemHttpResult>> Get(
        string code, Caller caller, [FromHeader(Name = PlatformHeaders.ReservationSecret)] string? guestSecret, ReservationQueries queries,
        RequestDeadline deadline, CancellationToken cancellationToken)
    {
        if (!TryGetAccess(caller, guestSecret, out var access, out var refusal))
            return refusal;
        if (access is not null && ReservationCode.TryNormalize(code, out var normalized)
            && await queries.FindAsync(normalized, access, deadline, cancellationToken) is { } reservation)
        {
            return TypedResults.Ok(reservation);
        }
        return Problem.NotFoundProblem($"There is no reservation '{code}'.");
    }

    public static async Task<Results<Ok<ReservationList>, ValidationProblem>> ListByPhone(
        string? guestPhone, string? limit, Caller caller, ReservationQueries queries, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        // An unencoded '+' in a query string arrives as a space; read it as the '+' the client meant.
        var phone = guestPhone is [' ', ..] ? "+" + guestPhone[1..] : guestPhone;
        if (string.IsNullOrEmpty(phone))
            errors["guestPhone"] = ["is required"];
        else if (!ReservationValidator.IsE164(phone))
            errors["guestPhone"] = ["must be in E.164 form: '+' and 8-15 digits (encode '+' as %2B)"];

        var count = DefaultListLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count)
                                  || count is < 1 or > MaxListLimit))
            errors["limit"] = [$"must be a whole number from 1 to {MaxListLimit}"];

        if (errors.Count > 0)
            return Problem.Invalid(errors);
        // Anonymous callers never hold reservations:read, so they never get here.
        return TypedResults.Ok(new ReservationList(
            await queries.ListByPhoneAsync(phone!, count, ReservationAccess.Of(caller), deadline, cancellationToken)));
    }

    public static async Task<Results<Ok<Reservation>, ProblemHttpResult>> Confirm(
        string code, Caller caller, [FromHeader(Name = PlatformHeaders.ReservationSecret)] string? guestSecret, ReservationTransitions transitions,
        RequestDeadline deadline, CancellationToken cancellationToken)
    {
        // Per environment and caller (the gateway's policy): anonymous guests may not confirm by
        // default; their holds are confirmed by an admin-scoped client (the payment service) or expire.
        if (!caller.Limits.MayConfirm)
        {
            HoldQuotas.CountRefusal(HoldQuotas.ConfirmReason);
            return TypedResults.Problem("This caller may not confirm reservations; a hold is confirmed by the service that takes the payment, or expires.",
                statusCode: StatusCodes.Status403Forbidden, title: "Confirming not allowed", type: ProblemTypes.ConfirmNotAllowed);
        }
        return await TransitionAsync(code, caller, guestSecret, transitions.ConfirmAsync, deadline, cancellationToken);
    }

    public static Task<Results<Ok<Reservation>, ProblemHttpResult>> Cancel(
        string code, Caller caller, [FromHeader(Name = PlatformHeaders.ReservationSecret)] string? guestSecret, ReservationTransitions transitions,
        RequestDeadline deadline, CancellationToken cancellationToken) =>
        TransitionAsync(code, caller, guestSecret, transitions.CancelAsync, deadline, cancellationToken);

    private static async Task<Results<Ok<Reservation>, ProblemHttpResult>> TransitionAsync(string code, Caller caller, string? guestSecret,
        Func<string, ReservationAccess, RequestDeadline, CancellationToken, Task<TransitionOutcome>> transition, RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        if (!TryGetAccess(caller, guestSecret, out var access, out var refusal))
            return refusal;
        if (access is null || !ReservationCode.TryNormalize(code, out var normalized))
            return Problem.NotFoundProblem($"There is no reservation '{code}'.");
        return await transition(normalized, access, deadline, cancellationToken) switch
        {
            TransitionOutcome.Done done => TypedResults.Ok(done.Reservation),
            TransitionOutcome.Refused refused => Problem.Conflict(ProblemTypes.InvalidTransition,
                $"Reservation is {refused.Reservation.Status}", refused.Reason),
            _ => Problem.NotFoundProblem($"There is no reservation '{code}'."),
        };
    }

    /// <summary>
    /// The caller's access to one reservation. A guest without <c>X-Reservation-Secret</c> is refused
    /// with 401 guest-secret-required before any database work; one whose header cannot be a secret gets
    /// a null access (404, no database work either: it could match nothing).
    /// </summary>
    private static bool TryGetAccess(Caller caller, string? guestSecret, out ReservationAccess? access,
        [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        access = null;
        refusal = null;
        if (!caller.IsAnonymous)
        {
            access = ReservationAccess.Of(caller);
            return true;
        }
        switch (GuestSecret.TryRead(guestSecret, out var hash))
        {
            case GuestSecret.Presented.Absent:
                refusal = TypedResults.Problem($"A guest reads and changes a reservation with the {PlatformHeaders.ReservationSecret} header its create answered.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Guest secret required", type: ProblemTypes.GuestSecretRequired);
                return false;
            case GuestSecret.Presented.Usable:
                access = ReservationAccess.Of(caller, hash);
                return true;
            default:
                return true;
        }
    }
}

public sealed record ReservationList(IReadOnlyList<Reservation> Items);
