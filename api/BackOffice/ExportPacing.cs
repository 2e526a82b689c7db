using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Platform.Api.BackOffice;

/// <summary>The <c>Export</c> section: how fast a replica's exports may read rows, together.</summary>
public sealed class ExportOptions
{
    public const string Section = "Export";

    /// <summary>
    /// Rows a second for all of a replica's exports together; 0 leaves them unpaced. Unpaced, one export of
    /// a million rows read 121,710 rows/s here and took a whole core for 8 s: the booking traffic's p99
    /// rose fourfold meanwhile and the operators' requests were shed.
    /// </summary>
    [Range(0, 10_000_000, ErrorMessage = "Export:RowsPerSecond must be between {1} and {2}.")]
    public int RowsPerSecond { get; set; } = 30_000;
}

/// <summary>
/// Paces the exports (<see cref="ExportOptions.RowsPerSecond"/>) so that a large one is a steady, modest
/// load rather than a burst that takes a core from the bookings: the export asks for its rows in chunks,
/// and a chunk waits for its tokens. The framework's token bucket does the accounting; one per replica,
/// shared by its exports. While an export waits, it reads nothing, so the server waits on the socket
/// for it (a pause of well under a second, far below the server's <c>net_write_timeout</c>).
/// </summary>
public sealed class ExportPacing : IDisposable
{
    /// <summary>Rows an export reads between two waits.</summary>
    public const int Chunk = 1000;

    private readonly TokenBucketRateLimiter? _bucket;

    public ExportPacing(IOptions<ExportOptions> options)
    {
        var perSecond = options.Value.RowsPerSecond;
        if (perSecond == 0)
            return;
        // Refilled ten times a second; the bucket holds at least a chunk, so a chunk can always be granted.
        var perPeriod = Math.Max(1, perSecond / 10);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(Chunk, perPeriod),
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits until <paramref name="rows"/> (at most <see cref="Chunk"/>) may be read.</summary>
    public async ValueTask WaitAsync(int rows, CancellationToken cancellationToken)
    {
        if (_bucket is null)
            return;
        using var lease = await _bucket.AcquireAsync(rows, cancellationToken);
    }

    public void Dispose() => _bucket?.Dispose();
}
