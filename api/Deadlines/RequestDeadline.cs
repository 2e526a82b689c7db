using System.Reflection;
using Platform.Api.Bulkheads;
using Platform.Api.Database;

namespace Platform.Api.Deadlines;

/// <summary>
/// The instant this request's deadline passes, set by <see cref="DeadlineMiddleware"/> as a request
/// feature. Handlers take it as a parameter to bound their database work server-side too.
/// </summary>
public sealed class RequestDeadline(DateTimeOffset at, WorkClass workClass, TimeProvider clock)
{
    public DateTimeOffset At { get; } = at;

    public WorkClass Class { get; } = workClass;

    public TimeSpan Remaining => At - clock.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    public bool HasPassed => Remaining == TimeSpan.Zero;

    /// <summary>
    /// SQL that bounds every statement after it on this connection by the time left: the server's
    /// own backstop, which still fires when this replica cannot cancel (frozen, killed, cut off).
    /// </summary>
    public string SessionLimits() => StatementLimits.Session(Remaining);

    /// <summary>Minimal-API binding: the deadline the middleware set for this request.</summary>
    public static ValueTask<RequestDeadline?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<RequestDeadline>());
}
