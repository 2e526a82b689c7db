using System.Diagnostics;

namespace Platform.Load.Traffic;

/// <summary>One virtual user of the open model: from <see cref="StartMs"/> on it sends every <see cref="IntervalMs"/>.</summary>
/// <param name="Send">Sends one request meant to leave at the given offset and returns what happened.</param>
public sealed record VirtualUser(string Client, double StartMs, double IntervalMs, Func<double, Task<RequestRecord>> Send);

/// <summary>
/// Constant-arrival-rate traffic: every user's requests are due on a fixed schedule and are sent when
/// due, whatever earlier ones are still waiting for, so a slow answer never delays the next request.
/// Latency runs from the due time. In-flight requests are capped; a request due while the cap is
/// reached is not sent and counts as a <c>client-overloaded</c> failure.
/// </summary>
public sealed class OpenModelDriver(RunClock clock, RequestLog log, int maxInFlight = 20_000)
{
    public const string ClientOverloaded = "client-overloaded";
    private static readonly TimeSpan DrainTimeout = ClientFactory.RequestTimeout + TimeSpan.FromSeconds(10);

    private int _inFlight;
    private long _nextId;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, double> _pending = new();

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The due time of the oldest request still waiting for its answer, if any.</summary>
    public double? OldestPendingMs => _pending.IsEmpty ? null : _pending.Values.DefaultIfEmpty(double.NaN).Min();

    /// <summary>Sends until <paramref name="durationMs"/> (or <paramref name="stop"/>), then waits for in-flight answers.</summary>
    public async Task RunAsync(IReadOnlyList<VirtualUser> users, double durationMs, CancellationToken stop)
    {
        var due = new PriorityQueue<VirtualUser, double>(users.Count);
        foreach (var user in users)
            due.Enqueue(user, user.StartMs);

        while (!stop.IsCancellationRequested && due.TryPeek(out _, out var next) && next < durationMs)
        {
            var now = clock.ElapsedMs;
            while (due.TryPeek(out var user, out var at) && at <= now && at < durationMs)
            {
                due.Dequeue();
                Dispatch(user, at);
                due.Enqueue(user, at + user.IntervalMs);
            }

            if (due.TryPeek(out _, out var following))
            {
                var wait = Math.Clamp(following - clock.ElapsedMs, 0, 5);
                if (wait >= 1)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(wait), stop);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }

        var drainUntil = Stopwatch.StartNew();
        while (InFlight > 0 && drainUntil.Elapsed < DrainTimeout)
            await Task.Delay(50, CancellationToken.None);
    }

    private void Dispatch(VirtualUser user, double scheduledMs)
    {
        if (Interlocked.Increment(ref _inFlight) > maxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            log.Add(new RequestRecord(scheduledMs, clock.ElapsedMs - scheduledMs, "(not sent)", user.Client, 0, ClientOverloaded, null, Failed: true));
            return;
        }

        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = scheduledMs;
        _ = Task.Run(async () =>
        {
            try
            {
                log.Add(await user.Send(scheduledMs));
            }
            finally
            {
                _pending.TryRemove(id, out _);
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }
}
