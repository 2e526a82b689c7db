namespace Platform.Gateway.Deadlines;

/// <summary>
/// One request's deadline: a token source that fires at the deadline, and gives an answer the client has
/// begun to receive <see cref="AnswerGrace"/> more to finish. Cut off half-sent at the deadline, an answer
/// would reach the client as a closed connection instead of the answer it nearly had (seen under load: a
/// replica's own 504, sent <c>Proxy:DeadlineMargin</c> before the gateway's deadline, cut mid-body on a
/// starved machine). A body that stalls is still cut, at the deadline plus the grace. One object per
/// request, the source itself, is the state of the response's OnStarting callback.
/// </summary>
internal sealed class RequestDeadline(TimeSpan length, TimeProvider clock) : CancellationTokenSource(length, clock)
{
    /// <summary>How long past its deadline an answer already under way may take to finish.</summary>
    public static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock = clock;
    private readonly DateTimeOffset _passes = clock.GetUtcNow() + length;

    /// <summary>For <c>HttpResponse.OnStarting</c>: the expiry moves to the deadline plus the grace, unless it has passed.</summary>
    public static Task AnswerStarting(object deadline)
    {
        var source = (RequestDeadline)deadline;
        try
        {
            if (!source.IsCancellationRequested)
            {
                var remaining = source._passes - source._clock.GetUtcNow();
                source.CancelAfter((remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + AnswerGrace);
            }
        }
        catch (ObjectDisposedException)
        {
            // The response started after the request's deadline handling ended (nothing was proxied).
        }

        return Task.CompletedTask;
    }
}
