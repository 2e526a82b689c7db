using Microsoft.Extensions.Options;
using Platform.Api.Bulkheads;
using Platform.Api.Observability;
using Platform.Contracts.Deadlines;
using Platform.Contracts.Problems;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.Deadlines;

/// <summary>
/// Gives every read and write its deadline (docs/deadlines.md) before it takes a bulkhead slot:
/// a malformed one is a 400, one already passed is a 504 at once with nothing done. The request's
/// cancellation token then fires at the deadline as well as when the client goes away, so the pool
/// wait, every command and every retry delay stop there.
/// </summary>
public sealed class DeadlineMiddleware(RequestDelegate next, IOptions<DeadlineOptions> options, TimeProvider clock,
    IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<WorkClass>() is not { } workClass)
        {
            await next(context);
            return;
        }

        var arrival = clock.GetUtcNow();
        var settings = options.Value;
        var reading = DeadlineHeaders.TryReadDeadline(context.Request.Headers, arrival, out var requested, out var malformed);
        if (reading == DeadlineHeaders.Reading.Malformed)
        {
            await Problem.WriteAsync(problems, context, StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest,
                "The request deadline could not be read", malformed!);
            return;
        }

        // An export has its own bound, in place of both the default and the maximum.
        var exporting = workClass == WorkClass.Export;
        var latest = arrival + (exporting ? settings.Export : settings.Maximum);
        var at = reading == DeadlineHeaders.Reading.Absent ? arrival + (exporting ? settings.Export : settings.Default)
            : requested > latest ? latest
            : requested;
        if (at <= arrival)
        {
            // Stale on arrival (a replica that was frozen, a slow hop): the caller was already told
            // 504 by the gateway, so doing the work now could only do harm.
            OverloadMetrics.CountShed(workClass, OverloadMetrics.Deadline);
            context.Response.Headers.RetryAfter = Problem.RetryAfter;
            await Problem.WriteAsync(problems, context, StatusCodes.Status504GatewayTimeout, ProblemTypes.DeadlineExceeded,
                "The request's deadline had passed", "The deadline passed before this replica received the request; nothing was done.");
            return;
        }

        using var timer = new CancellationTokenSource(at - arrival, clock);
        context.Features.Set(new RequestDeadline(at, workClass, clock, timer.Token));
        var clientAborted = context.RequestAborted;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, timer.Token);
        context.RequestAborted = bounded.Token;
        try
        {
            await next(context);
        }
        finally
        {
            // The exception handler runs outside this middleware and must see the client's own token
            // to tell "the client went away" (no answer) from "the deadline passed" (504).
            context.RequestAborted = clientAborted;
        }
    }
}
