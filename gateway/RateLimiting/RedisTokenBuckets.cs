using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// Global mode: the same GCRA bucket as <see cref="TokenBucket"/>, held in Redis and updated by one
/// Lua script per request (one round trip), so several gateways share one limit. When Redis cannot
/// answer, callers get no decision and use their local buckets (fail open to local, never to
/// unlimited); after <see cref="RateLimitingOptions.RedisRetryAfter"/> and once the connection is back
/// the gateway returns to global mode by itself.
/// </summary>
internal sealed class RedisTokenBuckets : IDisposable
{
    private const long MicrosPerSecond = 1_000_000;

    private static readonly string Script = ReadScript();

    private readonly ConnectionMultiplexer? _redis;
    private readonly string _keyPrefix;
    private readonly long _retryAfterTicks;
    private readonly LimiterClock _clock;
    private readonly ILogger<RedisTokenBuckets> _logger;
    private long _localUntil = long.MinValue;
    private long _fallbacks;
    private int _degraded;

    public RedisTokenBuckets(IOptions<RateLimitingOptions> options, LimiterClock clock, ILogger<RedisTokenBuckets> logger)
    {
        var settings = options.Value;
        _clock = clock;
        _logger = logger;
        _keyPrefix = settings.RedisKeyPrefix;
        _retryAfterTicks = (long)(settings.RedisRetryAfter.TotalSeconds * clock.TicksPerSecond);
        if (string.IsNullOrWhiteSpace(settings.Redis))
        {
            return;
        }

        var configuration = ConfigurationOptions.Parse(settings.Redis);
        // A limiter must answer fast or not at all: never wait for a connection, never queue long.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)settings.RedisTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)settings.RedisTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)settings.RedisTimeout.TotalMilliseconds;
        configuration.ClientName = "gateway-rate-limiter";
        // Redis's gateway user may not GET the tie-breaker key or SUBSCRIBE to the configuration channel the
        // library uses on connect; both serve several primaries, and there is one.
        configuration.TieBreaker = "";
        configuration.ConfigurationChannel = "";
        _redis = ConnectionMultiplexer.Connect(configuration);
    }

    public bool IsConfigured => _redis is not null;

    /// <summary>True while requests should be decided in Redis.</summary>
    public bool IsActive
    {
        get
        {
            if (_redis is null)
            {
                return false;
            }
            if (_redis.IsConnected && _clock.Now() >= Interlocked.Read(ref _localUntil))
            {
                return true;
            }
            MarkDegraded("Redis is unreachable");
            return false;
        }
    }

    /// <summary>True while Redis is configured but the local buckets stand in for it.</summary>
    public bool IsDegraded => Volatile.Read(ref _degraded) == 1;

    /// <summary>Requests decided locally because Redis could not answer.</summary>
    public long FallbackCount => Interlocked.Read(ref _fallbacks);

    public void CountFallback() => Interlocked.Increment(ref _fallbacks);

    /// <summary>Null when Redis could not answer: the caller decides locally.</summary>
    public async ValueTask<GlobalDecision?> TryTakeAsync(TokenBucketPolicy policy, ClientKey client, int permits)
    {
        if (_redis is null)
        {
            return null;
        }

        var interval = policy.EmissionMicroseconds;
        try
        {
            var reply = (RedisResult[]?)await _redis.GetDatabase().ScriptEvaluateAsync(
                Script,
                [new RedisKey($"{_keyPrefix}{policy.Name}:{client}")],
                [interval, interval * policy.Burst, permits]);
            if (reply is not { Length: 3 })
            {
                throw new RedisException("The rate-limit script returned an unexpected reply.");
            }

            MarkHealthy();
            return new GlobalDecision((long)reply[0] == 1, ToTicks((long)reply[1]), ToTicks((long)reply[2]));
        }
        catch (Exception error) when (error is RedisException or TimeoutException or ObjectDisposedException)
        {
            Interlocked.Exchange(ref _localUntil, _clock.Now() + _retryAfterTicks);
            MarkDegraded(error.Message);
            return null;
        }
    }

    public void Dispose() => _redis?.Dispose();

    private void MarkDegraded(string reason)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            _logger.LogWarning("Rate limiting falls back to this gateway's local buckets: {Reason}", reason);
        }
    }

    private void MarkHealthy()
    {
        if (Interlocked.Exchange(ref _degraded, 0) == 1)
        {
            _logger.LogInformation("Rate limiting is global again: Redis answers.");
        }
    }

    private long ToTicks(long micros) => (long)Math.Ceiling((double)micros * _clock.TicksPerSecond / MicrosPerSecond);

    private static string ReadScript()
    {
        using var stream = typeof(RedisTokenBuckets).Assembly.GetManifestResourceStream("RateLimiting/gcra.lua")
            ?? throw new InvalidOperationException("The embedded rate-limit script is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A decision from Redis, converted to the local clock's ticks.</summary>
internal readonly record struct GlobalDecision(bool Admitted, long Backlog, long Wait);
