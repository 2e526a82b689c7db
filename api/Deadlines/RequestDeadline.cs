using System.Reflection;
using Platform.Api.Bulkheads;
using Platform.Api.Database;

namespace Platform.Api.Deadlines;

/// <summary>
/// The instant this request's deadline passes, set by <see cref="DeadlineMiddleware"/> as a request
/// feature. Handlers take it as a parameter to bound their database work server-side too.
/// </summary>
public sealed class RequestDeadline(DateTimeOffset at, WorkClass workClass, TimeProvider clock, CancellationToken expired = default)
{
    public DateTimeOffset At { get; } = at;

    public WorkClass Class { get; } = workClass;

    /// <summary>Fires when the deadline passes (the middleware's timer).</summary>
    public CancellationToken Expired { get; } = expired;

    public TimeSpan Remaining => At - clock.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    /// <summary>
    /// By the timer or by the clock, whichever says so first: the timer counts whole milliseconds on
    /// its own clock and can fire a fraction of a millisecond before the wall clock agrees, and work
    /// it cancelled must still be recognised as cut off by the deadline.
    /// </summary>
    public bool HasPassed => Expired.IsCancellationRequested || Remaining == TimeSpan.Zero;

    /// <summary>
    /// SQL that bounds every statement after it on this connection by the time left: the server's
    /// own backstop, which still fires when this replica cannot cancel (frozen, killed, cut off).
    /// </summary>
    public string SessionLimits() => StatementLimits.Session(Remaining);

    /// <summary>The same backstop for one read: a prefix to put before its SELECT.</summary>
    public string ReadLimit() => StatementLimits.Statement(Remaining);

    /// <summary>Minimal-API binding: the deadline the middleware set for this request.</summary>
    public static ValueTask<RequestDeadline?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<RequestDeadline>());
}
