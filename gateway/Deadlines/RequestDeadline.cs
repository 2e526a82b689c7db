namespace Platform.Gateway.Deadlines;

/// <summary>
/// One request's deadline: a token source that fires at the deadline, and gives an answer the client has
/// begun to receive a grace to finish. Cut off half-sent at the deadline, an answer would reach the client
/// as a closed connection instead of the answer it nearly had (seen under load: a replica's own 504, sent
/// <c>Proxy:DeadlineMargin</c> before the gateway's deadline, cut mid-body on a starved machine). The grace
/// is that same margin: a replica is told the deadline that much early, and an answer under way may end
/// that much late, so no client waits past its deadline by more than the margin, even for a body that
/// stalls. One object per request, the source itself, is the state of the response's OnStarting callback.
/// </summary>
internal sealed class RequestDeadline(TimeSpan length, TimeSpan answerGrace, TimeProvider clock) : CancellationTokenSource(length, clock)
{
    private readonly TimeProvider _clock = clock;
    private readonly TimeSpan _answerGrace = answerGrace;

    /// <summary>The instant the deadline passes.</summary>
    public DateTimeOffset Passes { get; } = clock.GetUtcNow() + length;

    /// <summary>For <c>HttpResponse.OnStarting</c>: the expiry moves to the deadline plus the grace, unless it has passed.</summary>
    public static Task AnswerStarting(object deadline)
    {
        var source = (RequestDeadline)deadline;
        try
        {
            if (!source.IsCancellationRequested)
            {
                var remaining = source.Passes - source._clock.GetUtcNow();
                source.CancelAfter((remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + source._answerGrace);
            }
        }
        catch (ObjectDisposedException)
        {
            // The response started after the request's deadline handling ended (nothing was proxied).
        }

        return Task.CompletedTask;
    }
}
