using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

/// <summary>Evicts idle buckets every <see cref="RateLimitingOptions.SweepInterval"/>, and says when the cap was hit.</summary>
internal sealed class PartitionSweeper(
    PartitionTable table, LimiterClock clock, IOptions<RateLimitingOptions> options, ILogger<PartitionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock.Time);
        var overflowSeen = table.OverflowCount;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                table.Sweep(clock.Now());
                var overflow = table.OverflowCount;
                if (overflow != overflowSeen)
                {
                    logger.LogWarning(
                        "{Requests} requests shared overflow buckets: live rate-limit partitions reached RateLimiting:MaxPartitions ({Cap}).",
                        overflow - overflowSeen, table.Capacity);
                    overflowSeen = overflow;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
