using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// Dedicated threads, started once, that each make a fixed number of acquires whenever
/// <see cref="Run"/> releases them. Starting threads (or queueing to the thread pool) per invocation
/// would be measured with the limiter; released by a barrier, a run costs the limiter's work plus two
/// barrier phases, which are microseconds against the milliseconds of a run.
/// </summary>
internal sealed class AcquireThreads : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter;
    private readonly Func<int, RateLimitedRequest[]> _requestsFor;
    private readonly int _acquiresPerThread;
    private readonly long[] _refused;
    private readonly Thread[] _threads;
    private readonly Barrier _barrier;
    private volatile bool _stopping;

    /// <param name="requestsFor">
    /// Called on each thread, with its index, for the requests it makes round and round. Objects made
    /// there come from that thread's allocation buffer, as a server's requests do, so two threads'
    /// requests do not share a cache line unless the caller made them elsewhere on purpose.
    /// </param>
    public AcquireThreads(PartitionedRateLimiter<HttpContext> limiter, int threads, Func<int, RateLimitedRequest[]> requestsFor, int acquiresPerThread)
    {
        _limiter = limiter;
        _requestsFor = requestsFor;
        _acquiresPerThread = acquiresPerThread;
        // Spaced a cache line apart so the threads' tallies do not share one.
        _refused = new long[threads * 8];
        _barrier = new Barrier(threads + 1);
        _threads = new Thread[threads];
        for (var index = 0; index < _threads.Length; index++)
        {
            var thread = index;
            _threads[index] = new Thread(() => Work(thread)) { IsBackground = true, Name = $"acquire-{thread}" };
            _threads[index].Start();
        }
    }

    /// <summary>Acquires refused since the last <see cref="TakeRefused"/>, over all threads.</summary>
    public long TakeRefused()
    {
        long total = 0;
        for (var index = 0; index < _refused.Length; index += 8)
        {
            total += Interlocked.Exchange(ref _refused[index], 0);
        }
        return total;
    }

    /// <summary>Releases every thread for one round of acquires and returns when all have finished.</summary>
    public void Run()
    {
        _barrier.SignalAndWait();
        _barrier.SignalAndWait();
    }

    public void Dispose()
    {
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        _barrier.Dispose();
    }

    private void Work(int thread)
    {
        var requests = _requestsFor(thread);
        // One context per thread, reused: a server's current context is in cache, and building one
        // per acquire would be measured with the limiters.
        var context = new DefaultHttpContext();
        context.Features[typeof(RateLimitedRequest)] = requests[0];
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping)
            {
                return;
            }
            _refused[thread * 8] += requests.Length == 1
                ? Acquire(_limiter, context, _acquiresPerThread)
                : Acquire(_limiter, context, requests, _acquiresPerThread);
            _barrier.SignalAndWait();
        }
    }

    private static long Acquire(PartitionedRateLimiter<HttpContext> limiter, HttpContext context, int count)
    {
        long refused = 0;
        for (var done = 0; done < count; done++)
        {
            // Disposed like the middleware disposes every lease, admitted or not.
            using var lease = limiter.AttemptAcquire(context);
            if (!lease.IsAcquired)
            {
                refused++;
            }
        }
        return refused;
    }

    /// <summary>Each acquire as the next client: its request is set on the context first, as identification does.</summary>
    private static long Acquire(PartitionedRateLimiter<HttpContext> limiter, HttpContext context, RateLimitedRequest[] requests, int count)
    {
        long refused = 0;
        var next = 0;
        for (var done = 0; done < count; done++)
        {
            context.Features[typeof(RateLimitedRequest)] = requests[next];
            using var lease = limiter.AttemptAcquire(context);
            if (!lease.IsAcquired)
            {
                refused++;
            }
            if (++next == requests.Length)
            {
                next = 0;
            }
        }
        return refused;
    }
}
