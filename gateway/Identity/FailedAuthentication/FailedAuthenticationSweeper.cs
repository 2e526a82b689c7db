namespace Platform.Gateway.Identity.FailedAuthentication;

/// <summary>Forgets, every 10 s, the addresses whose failures are all forgiven (their bucket is full again).</summary>
internal sealed class FailedAuthenticationSweeper(FailedAuthentications failures) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, failures.Clock.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                failures.Table.Sweep(failures.Clock.Now());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
