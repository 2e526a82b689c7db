using System.Collections.Concurrent;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// The live buckets, one map per policy keyed by client, so a lookup hashes 128 bits and nothing
/// else. Reads are lock-free (<see cref="ConcurrentDictionary{TKey,TValue}.TryGetValue"/>); only a
/// client's first request, or its first after an eviction, writes to the map.
/// <para>
/// At <see cref="Capacity"/> live partitions a new client is not given a bucket of its own: it is
/// charged to its policy's single overflow bucket, shared by every client that arrived over the cap,
/// until the sweep frees idle partitions. A flood of distinct keys therefore costs bounded memory and
/// buys no extra permits; clients that already hold a bucket are not affected.
/// </para>
/// </summary>
internal sealed class PartitionTable
{
    /// <summary>
    /// The bucket this thread found last. The client whose bucket every core fights over is one
    /// sending request after request, so it is usually the previous client on this thread too, and
    /// this skips hashing and the map for it. Trusting it needs no check beyond the key: a bucket
    /// leaves the map only once evicted, an evicted bucket makes its caller <see cref="Forget"/> it
    /// (which clears this), and the overflow bucket is never remembered, so what is remembered is the
    /// client's current bucket or an evicted one.
    /// </summary>
    [ThreadStatic]
    private static LastFound? t_lastFound;

    private readonly ConcurrentDictionary<ClientKey, TokenBucket>[] _maps;
    private readonly TokenBucket[] _overflow;
    private int _live;
    private long _overflowed;
    private long _evicted;

    public PartitionTable(int policyCount, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(policyCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _maps = new ConcurrentDictionary<ClientKey, TokenBucket>[policyCount];
        _overflow = new TokenBucket[policyCount];
        // Each map is sized past the cap once, at 8 bytes a slot against the ~80 of a live bucket and
        // its node. Growing would copy every node to a new place, away from the bucket it was
        // allocated beside, and every lookup among many clients would miss the cache once more for the
        // rest of the process's life. A map grows when one of its locks guards more than slots ÷ locks
        // entries, so one sized at exactly the cap still grows just below it; a quarter more is many
        // standard deviations of headroom.
        var slots = (int)Math.Min(Array.MaxLength, capacity + (capacity / 4L));
        for (var i = 0; i < policyCount; i++)
        {
            _maps[i] = new ConcurrentDictionary<ClientKey, TokenBucket>(Environment.ProcessorCount, slots);
            _overflow[i] = new TokenBucket();
        }
    }

    public int Capacity { get; }

    /// <summary>Buckets currently held in the maps (overflow buckets not counted).</summary>
    public int LiveCount => Volatile.Read(ref _live);

    /// <summary>Lookups, since start, that found the table full and used an overflow bucket.</summary>
    public long OverflowCount => Interlocked.Read(ref _overflowed);

    /// <summary>Idle buckets evicted by sweeps since start.</summary>
    public long EvictedCount => Interlocked.Read(ref _evicted);

    public TokenBucket Find(TokenBucketPolicy policy, ClientKey client)
    {
        var last = t_lastFound;
        if (last is not null && last.Table == this && last.Policy == policy.Index && last.Client == client)
        {
            return last.Bucket;
        }

        var index = policy.Index;
        if (!_maps[index].TryGetValue(client, out var bucket))
        {
            bucket = Add(policy, client);
            if (bucket == _overflow[index])
            {
                return bucket;
            }
        }
        last ??= t_lastFound = new LastFound();
        last.Table = this;
        last.Policy = index;
        last.Client = client;
        last.Bucket = bucket;
        return bucket;
    }

    /// <summary>Removes <paramref name="bucket"/> if it is still the one held for the client.</summary>
    public void Forget(TokenBucketPolicy policy, ClientKey client, TokenBucket bucket)
    {
        if (t_lastFound is { } last && last.Bucket == bucket)
        {
            last.Table = null;
        }
        if (_maps[policy.Index].TryRemove(KeyValuePair.Create(client, bucket)))
        {
            Interlocked.Decrement(ref _live);
        }
    }

    /// <summary>
    /// Evicts every bucket that is full at <paramref name="now"/> (its client has been idle long
    /// enough to earn the whole burst back, so forgetting it changes nothing). Returns how many.
    /// </summary>
    public int Sweep(long now)
    {
        var evicted = 0;
        for (var index = 0; index < _maps.Length; index++)
        {
            var map = _maps[index];
            foreach (var (client, bucket) in map)
            {
                if (bucket.TryEvict(now) && map.TryRemove(KeyValuePair.Create(client, bucket)))
                {
                    Interlocked.Decrement(ref _live);
                    evicted++;
                }
            }
        }
        Interlocked.Add(ref _evicted, evicted);
        return evicted;
    }

    private TokenBucket Add(TokenBucketPolicy policy, ClientKey client)
    {
        var map = _maps[policy.Index];
        // Bounded: each pass either returns or saw the client's entry removed by a concurrent sweep.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            // Reserve a slot first, so concurrent first requests can never push the count past the cap.
            if (Interlocked.Increment(ref _live) > Capacity)
            {
                Interlocked.Decrement(ref _live);
                Interlocked.Increment(ref _overflowed);
                return _overflow[policy.Index];
            }

            var fresh = new TokenBucket();
            if (map.TryAdd(client, fresh))
            {
                return fresh;
            }

            Interlocked.Decrement(ref _live);
            if (map.TryGetValue(client, out var existing))
            {
                return existing;
            }
        }
        return _overflow[policy.Index];
    }

    private sealed class LastFound
    {
        public PartitionTable? Table;
        public int Policy;
        public ClientKey Client;
        public TokenBucket Bucket = null!;
    }
}
