using System.Net;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// Requests as <see cref="ClientPolicySelection"/> leaves them: the feature naming the client and its
/// policy. The threads set each on their own context before acquiring, as identification does per request.
/// </summary>
internal static class ClientRequests
{
    /// <summary>Fixed, so every run and both limiters create the partitions in the same order.</summary>
    private const int ShuffleSeed = 20261123;

    /// <summary>One request per client, in address order, which is also their order in memory.</summary>
    public static RateLimitedRequest[] Distinct(TokenBucketPolicy policy, int clients) =>
        [.. Enumerable.Range(0, clients).Select(client => Create(policy, client))];

    /// <summary>
    /// The requests in a fixed pseudo-random order, for creating the partitions: each client's bucket
    /// then lies somewhere unrelated to its neighbours in the walk, as when clients arrive in any order.
    /// </summary>
    public static RateLimitedRequest[] Shuffled(RateLimitedRequest[] requests)
    {
        var shuffled = (RateLimitedRequest[])requests.Clone();
        new Random(ShuffleSeed).Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>
    /// Contiguous slices, one per thread, walked in memory order: a server's request is in cache when
    /// the limiter reads it, so the cache misses measured should be the limiters' own (maps and buckets).
    /// </summary>
    public static RateLimitedRequest[][] Deal(RateLimitedRequest[] requests, int threads) =>
        [.. requests.Chunk((requests.Length + threads - 1) / threads)];

    /// <summary>
    /// The hot client's request. Each thread makes its own: our limiter writes its decision on the
    /// request, and one shared between threads would add contention a server never has.
    /// </summary>
    public static RateLimitedRequest[] HotClient(TokenBucketPolicy policy) => [Create(policy, 0)];

    /// <summary>Client n is 10.0.0.0 + n + 1.</summary>
    private static RateLimitedRequest Create(TokenBucketPolicy policy, int client) =>
        new(policy, ClientKey.FromAddress(new IPAddress((uint)IPAddress.HostToNetworkOrder(0x0A00_0001 + client))));
}
