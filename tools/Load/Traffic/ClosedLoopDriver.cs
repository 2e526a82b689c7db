namespace Platform.Load.Traffic;

/// <summary>
/// Closed-loop clients, used only to hold a fixed concurrency (pool exhaustion): each sends its next
/// request as soon as the previous one answered. Latency here runs from the actual send.
/// </summary>
public sealed class ClosedLoopDriver(RunClock clock, RequestLog log)
{
    public async Task RunAsync(int clients, double durationMs, Func<double, Task<RequestRecord>> send)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.ElapsedMs < durationMs)
                log.Add(await send(clock.ElapsedMs));
        }));
    }
}
