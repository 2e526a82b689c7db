using System.Globalization;
using Platform.Load.Reporting;
using Platform.Load.Traffic;

namespace Platform.Load.Runs;

/// <summary>
/// Watches the last window (10 s; 2 s with --short) of answers each second and stops the run when
/// their error rate passes 5 % or their p95 passes 10 s. Requests still unanswered after 10 s count
/// as slower than 10 s, so a stall stops the run too.
/// </summary>
public sealed class StressMonitor(RunClock clock, RequestLog log, OpenModelDriver driver, double windowMs, Func<double, int> usersAt)
{
    public const double MaxErrorRate = 0.05;
    public const double MaxP95Ms = 10_000;

    public string? BreakPoint { get; private set; }

    public async Task RunAsync(CancellationTokenSource stopRun, CancellationToken stop)
    {
        var window = new Queue<RequestRecord>();
        var cursor = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = clock.ElapsedMs;
                var fresh = log.Since(cursor);
                cursor += fresh.Count;
                foreach (var r in fresh)
                    window.Enqueue(r);
                while (window.Count > 0 && window.Peek().CompletedMs < now - windowMs)
                    window.Dequeue();
                var stalled = driver.OldestPendingMs is { } oldest && now - oldest > MaxP95Ms ? driver.InFlight : 0;
                var latencies = window.Select(r => r.LatencyMs).Concat(Enumerable.Repeat(double.PositiveInfinity, stalled)).ToList();
                if (latencies.Count < 20)
                    continue;
                latencies.Sort();
                var errors = (double)(window.Count(r => r.Failed) + stalled) / latencies.Count;
                var p95 = Percentiles.NearestRank(latencies, 95);
                if (errors > MaxErrorRate || p95 > MaxP95Ms)
                {
                    BreakPoint = string.Create(CultureInfo.InvariantCulture,
                        $"broke at {usersAt(now)} users, {now / 1000:0.0} s into the run: over the last {windowMs / 1000:0} s error rate {errors:P1}, p95 {(double.IsInfinity(p95) ? "> 10 s (unanswered)" : EndpointTable.Ms(p95))}");
                    await stopRun.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
