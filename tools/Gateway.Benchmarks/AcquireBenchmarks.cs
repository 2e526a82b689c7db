using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// <c>AttemptAcquire(HttpContext)</c>: the gateway's <see cref="ClientRateLimiter"/>, alone and with the
/// <see cref="AnonymousCeiling"/> on, against the framework's partitioned token bucket, with the same policy and the same key lookup, from 1, 2 and 8
/// dedicated threads. BenchmarkDotNet divides each invocation's time by <see cref="AcquiresPerInvocation"/>,
/// so Mean is the wall time per acquire over all threads together (1 / throughput), and Allocated is
/// per acquire, counted on every thread.
/// </summary>
[MemoryDiagnoser]
[AcquisitionsPerSecond]
// Short on purpose: 27 cases must run in minutes on two cores; fifteen short iterations still give error
// bars well under the differences being measured.
[SimpleJob(launchCount: 1, warmupCount: 4, iterationCount: 15)]
public class AcquireBenchmarks
{
    /// <summary>Divisible by every thread count, so each thread makes the same number of acquires.</summary>
    public const int AcquiresPerInvocation = 800_000;

    public const int DistinctClients = 100_000;

    private AcquireThreads? _threads;
    private IDisposable? _owned;
    private PartitionedRateLimiter<HttpContext>? _limiter;
    private long _acquires;

    [Params(Traffic.HotPartition, Traffic.ManyPartitions, Traffic.Refused)]
    public Traffic Traffic { get; set; }

    [Params(1, 2, 8)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(Framework))]
    public void SetUpFramework() => Start(ComparedLimiters.Framework(Policy), ComparedLimiters.Policies(Policy));

    [GlobalSetup(Target = nameof(Gateway))]
    public void SetUpGateway()
    {
        var (limiter, policies, owned) = ComparedLimiters.Ours(Policy, DistinctClients);
        _owned = owned;
        Start(limiter, policies);
    }

    /// <summary>The same with the anonymous ceiling on (every client here is anonymous), set where it never refuses.</summary>
    [GlobalSetup(Target = nameof(GatewayWithCeiling))]
    public void SetUpGatewayWithCeiling()
    {
        var (limiter, policies, owned) = ComparedLimiters.Ours(Policy, DistinctClients, ComparedLimiters.UnreachedCeiling);
        _owned = owned;
        Start(limiter, policies);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = AcquiresPerInvocation)]
    public void Framework() => RunOnce();

    [Benchmark(OperationsPerInvoke = AcquiresPerInvocation)]
    public void Gateway() => RunOnce();

    [Benchmark(OperationsPerInvoke = AcquiresPerInvocation)]
    public void GatewayWithCeiling() => RunOnce();

    [GlobalCleanup]
    public void CleanUp()
    {
        var refused = _threads!.TakeRefused();
        _threads.Dispose();
        _limiter!.Dispose();
        _owned?.Dispose();
        // A run that refused when it should admit (or admitted when it should refuse) measured the
        // wrong path: fail it rather than publish its number.
        var expected = Traffic == Traffic.Refused ? _acquires : 0;
        if (Math.Abs(refused - expected) > Math.Max(1, _acquires / 1000))
        {
            throw new InvalidOperationException($"{refused} of {_acquires} acquires were refused; expected {expected}.");
        }
        Console.WriteLine($"// {refused} of {_acquires} acquires refused, as intended.");
    }

    private RateLimitPolicyOptions Policy => Traffic == Traffic.Refused ? ComparedLimiters.Stingy : ComparedLimiters.Generous;

    private void Start(PartitionedRateLimiter<HttpContext> limiter, PolicySet policies)
    {
        _limiter = limiter;
        var policy = policies.Anonymous;
        var requests = Traffic == Traffic.ManyPartitions
            ? ClientRequests.Distinct(policy, DistinctClients)
            : ClientRequests.HotClient(policy);
        // Every client has its partition before measuring, as in a gateway that has seen them all
        // (the refused client spends its one permit here). Made from this thread, so no bucket lies
        // next to objects the measuring threads write.
        var context = new DefaultHttpContext();
        foreach (var request in ClientRequests.Shuffled(requests))
        {
            context.Features[typeof(RateLimitedRequest)] = request;
            using var lease = limiter.AttemptAcquire(context);
        }

        Func<int, RateLimitedRequest[]> requestsFor = _ => ClientRequests.HotClient(policy);
        if (Traffic == Traffic.ManyPartitions)
        {
            var slices = ClientRequests.Deal(requests, Threads);
            requestsFor = thread => slices[thread];
        }
        _threads = new AcquireThreads(limiter, Threads, requestsFor, AcquiresPerInvocation / Threads);
    }

    private void RunOnce()
    {
        _threads!.Run();
        _acquires += AcquiresPerInvocation;
    }
}
