namespace Platform.Load.Runs;

/// <summary>The one loop every sampler of a run uses: sample at once, then on every tick until stopped.</summary>
public static class Sampling
{
    /// <summary>Runs <paramref name="sampleOnce"/> now and every <paramref name="every"/> until <paramref name="stop"/> is cancelled; returns quietly then.</summary>
    public static async Task EveryAsync(TimeSpan every, Func<Task> sampleOnce, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            do
            {
                await sampleOnce();
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
