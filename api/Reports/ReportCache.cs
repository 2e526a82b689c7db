using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Platform.Api.Reports;

/// <summary>
/// Reports computed once per <see cref="ReportOptions.CacheTtl"/> and shared: a hundred operators
/// reading the same report cost the database one statement per TTL, and requests that miss together
/// wait for the same computation instead of each starting one. The framework's MemoryCache bounds
/// the entries and expires them; what it does not do is share a computation under way, hence the
/// <see cref="Lazy{T}"/> it stores. A computation runs on behalf of all its waiters, so no one
/// waiter's going away cancels it; the first waiter's deadline bounds it on the server, and each
/// waiter stops waiting at its own.
/// </summary>
public sealed class ReportCache(IOptions<ReportOptions> options, TimeProvider clock) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.CacheEntries });

    /// <summary>
    /// The answer for <paramref name="key"/>; the callers put the totals' version in the key, so an
    /// answer is computed again as soon as a fold of new events changes the totals, and within the TTL otherwise.
    /// </summary>
    public async Task<ComputedReport<T>> GetAsync<T>(string key, Func<Task<T>> compute, CancellationToken cancellationToken)
    {
        var ttl = options.Value.CacheTtl;
        if (ttl == TimeSpan.Zero)
            return await ComputeAsync(compute);

        var entry = _cache.GetOrCreate(key, e =>
        {
            e.AbsoluteExpirationRelativeToNow = ttl;
            e.Size = 1;
            return new Lazy<Task<ComputedReport<T>>>(() => ComputeAsync(compute));
        })!;
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            // A failed computation is not an answer: the next request computes again.
            _cache.Remove(key);
            throw;
        }
    }

    // Stamped with when the computation started: its statement saw the database as of then, or later.
    private async Task<ComputedReport<T>> ComputeAsync<T>(Func<Task<T>> compute)
    {
        var started = clock.GetUtcNow();
        return new ComputedReport<T>(await compute(), started);
    }

    public void Dispose() => _cache.Dispose();
}

/// <summary>A report's answer and when it was computed (its freshness: the database as of then).</summary>
public sealed record ComputedReport<T>(T Answer, DateTimeOffset ComputedAt);
