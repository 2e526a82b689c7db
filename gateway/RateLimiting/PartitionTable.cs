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
/// buys no extra permits; clients that already hold a bucket are not affected. Only address
/// partitions count against the cap: API clients are as many as are configured, so a flood of
/// addresses can never push a keyed client into an overflow bucket.
/// </para>
/// <para>
/// An address partition outlives its full bucket by <c>addressRetention</c>: it carries when the address
/// was first seen and last refused, which the anonymous ceiling ranks it by, and a guest's seniority
/// must survive the 50 ms its bucket takes to fill again between two polite requests. Only an address
/// with a history is kept so: one whose admissions span less than <c>briefVisit</c> (a flood's one-shot
/// address, seen once or twice) goes as soon as its bucket is full, as it did before seniority. Kept
/// for the retention, the last flood's 100,000 such addresses would fill the table for two minutes
/// after it, and a guest arriving then would get no partition and count as new (seen in a bench run
/// that followed another flood).
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
    private readonly long _addressRetention;
    private readonly long _briefVisit;
    private int _live;
    private int _addresses;
    private long _overflowed;
    private long _evicted;

    /// <param name="addressRetention">Clock ticks an address partition is kept after its bucket is full again.</param>
    /// <param name="briefVisit">Clock ticks of history (first seen to last admitted) an address needs to be kept so.</param>
    public PartitionTable(int policyCount, int capacity, long addressRetention = 0, long briefVisit = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(addressRetention);
        ArgumentOutOfRangeException.ThrowIfNegative(briefVisit);
        _addressRetention = addressRetention;
        _briefVisit = briefVisit;
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
            _overflow[i] = new TokenBucket(firstSeen: long.MaxValue);
        }
    }

    public int Capacity { get; }

    /// <summary>Buckets currently held in the maps (overflow buckets not counted).</summary>
    public int LiveCount => Volatile.Read(ref _live);

    /// <summary>Address (anonymous) buckets held: the ones <see cref="Capacity"/> caps.</summary>
    public int AddressCount => Volatile.Read(ref _addresses);

    /// <summary>Lookups, since start, that found the table full and used an overflow bucket.</summary>
    public long OverflowCount => Interlocked.Read(ref _overflowed);

    /// <summary>Idle buckets evicted by sweeps since start.</summary>
    public long EvictedCount => Interlocked.Read(ref _evicted);

    /// <param name="now">Clock ticks; a client seen for the first time is recorded as first seen then.</param>
    public TokenBucket Find(TokenBucketPolicy policy, ClientKey client, long now)
    {
        var last = t_lastFound;
        if (last is not null && last.Table == this && last.Policy == policy.Index && last.Client == client)
        {
            return last.Bucket;
        }

        var index = policy.Index;
        if (!_maps[index].TryGetValue(client, out var bucket))
        {
            bucket = Add(policy, client, now);
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

    /// <summary>The client's bucket if it has one in the map; never adds one and never the overflow bucket.</summary>
    public TokenBucket? Existing(TokenBucketPolicy policy, ClientKey client) =>
        _maps[policy.Index].TryGetValue(client, out var bucket) ? bucket : null;

    /// <summary>Removes <paramref name="bucket"/> if it is still the one held for the client.</summary>
    public void Forget(TokenBucketPolicy policy, ClientKey client, TokenBucket bucket)
    {
        if (t_lastFound is { } last && last.Bucket == bucket)
        {
            last.Table = null;
        }
        if (_maps[policy.Index].TryRemove(KeyValuePair.Create(client, bucket)))
        {
            Released(client);
        }
    }

    /// <summary>
    /// Evicts every API client's bucket that is full at <paramref name="now"/> (its client has been
    /// idle long enough to earn the whole burst back, so forgetting it changes nothing), every address's
    /// seen only briefly likewise, and every other address's that has been full for the address
    /// retention. Returns how many.
    /// </summary>
    public int Sweep(long now)
    {
        var evicted = 0;
        for (var index = 0; index < _maps.Length; index++)
        {
            var map = _maps[index];
            foreach (var (client, bucket) in map)
            {
                var kept = !client.IsApiClient && bucket.TheoreticalArrival - bucket.FirstSeen >= _briefVisit;
                var fullSince = kept ? now - _addressRetention : now;
                if (bucket.TryEvict(fullSince) && map.TryRemove(KeyValuePair.Create(client, bucket)))
                {
                    Released(client);
                    evicted++;
                }
            }
        }
        Interlocked.Add(ref _evicted, evicted);
        return evicted;
    }

    private void Released(ClientKey client)
    {
        Interlocked.Decrement(ref _live);
        if (!client.IsApiClient)
        {
            Interlocked.Decrement(ref _addresses);
        }
    }

    private TokenBucket Add(TokenBucketPolicy policy, ClientKey client, long now)
    {
        var map = _maps[policy.Index];
        var capped = !client.IsApiClient;
        // Bounded: each pass either returns or saw the client's entry removed by a concurrent sweep.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            // Reserve a slot first, so concurrent first requests can never push the count past the cap.
            if (capped && Interlocked.Increment(ref _addresses) > Capacity)
            {
                Interlocked.Decrement(ref _addresses);
                Interlocked.Increment(ref _overflowed);
                return _overflow[policy.Index];
            }

            Interlocked.Increment(ref _live);
            var fresh = new TokenBucket(firstSeen: now);
            if (map.TryAdd(client, fresh))
            {
                return fresh;
            }

            Released(client);
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
