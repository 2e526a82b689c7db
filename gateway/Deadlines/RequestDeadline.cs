namespace Platform.Gateway.Deadlines;

/// <summary>
/// The request's deadline, as a feature on its <see cref="HttpContext"/>: when it passes, every
/// attempt, hedge and body copy below is cancelled through the request's abort token.
/// </summary>
public sealed class RequestDeadline(DateTimeOffset at, TimeSpan length, TimeProvider clock)
{
    public DateTimeOffset At { get; } = at;

    /// <summary>The deadline's length from arrival: the route's, or the client's shorter one.</summary>
    public TimeSpan Length { get; } = length;

    public TimeSpan Remaining => At - clock.GetUtcNow();

    public bool HasPassed => Remaining <= TimeSpan.Zero;
}
