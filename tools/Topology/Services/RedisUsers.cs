using System.Security.Cryptography;
using System.Text;

namespace Platform.Topology.Services;

/// <summary>A Redis ACL user: its name, its rules (after <c>on</c> and its password) and who logs in as it.</summary>
public sealed record RedisUser(string Name, string Rules, string Who);

/// <summary>
/// Who may do what in Redis (7.0 ACLs), for <c>up</c>, the tests' servers and compose alike: the default
/// user is off, so a client without AUTH gets NOAUTH, and every user has exactly the commands and keys its
/// code uses (docs/operating.md, "Redis users"). Each rule below names the code that needs it.
/// </summary>
public static class RedisUsers
{
    /// <summary>The outbox's stream (api Outbox:Stream's default): guests' names, emails and phones.</summary>
    public const string EventStream = "reservations.events";

    /// <summary>The gateway's global-mode limiter keys (RateLimiting:RedisKeyPrefix's default).</summary>
    public const string LimiterKeys = "ratelimit:*";

    public const string Relay = "relay";
    public const string Gateway = "gateway";
    public const string Exporter = "exporter";
    public const string Operator = "operator";

    /// <summary>
    /// Every user. CLIENT SETNAME: StackExchange.Redis and redis_exporter name their connections and log an
    /// error when refused. PING and ECHO: StackExchange.Redis's heartbeat and the tracer it sends on connect
    /// (refused, it drops the connection). The rest of its handshake (CLIENT SETINFO and ID, INFO, CONFIG
    /// GET, CLUSTER NODES) is refused and it carries on, as the tests of each user show; its tie-breaker GET
    /// and channel SUBSCRIBE are turned off by the configuration (<see cref="RedisService.Configuration"/>).
    /// </summary>
    public static IReadOnlyList<RedisUser> All { get; } =
    [
        // OutboxRelay: XADD with MAXLEN ~; RolledBackEvents: XREVRANGE (newest first) to reconcile after a restore.
        new(Relay, $"resetchannels ~{EventStream} -@all +xadd +xrevrange +ping +echo +client|setname",
            "the API replicas' outbox relay"),
        // RedisTokenBuckets: the GCRA script by EVAL/EVALSHA (SCRIPT LOAD to cache it); inside it TIME, GET and
        // SET on the bucket's key, each checked against this user's rights too.
        new(Gateway, $"resetchannels ~{LimiterKeys} -@all +eval +evalsha +script|load +time +get +set +ping +echo +client|setname",
            "the gateway's limiter in global mode (RateLimiting:Redis)"),
        // redis_exporter 1.45 with -check-single-streams, as started by ExporterServices: what it ran in a
        // scrape (INFO commandstats). The stream's length and groups (XINFO) read its metadata, not its entries
        // (XRANGE/XREAD are refused), so read-only access to that one key.
        new(Exporter, $"resetchannels %R~{EventStream} -@all +ping +info +config|get +slowlog|get +slowlog|len +latency|latest +select +xinfo|stream +xinfo|groups +client|setname",
            "prometheus-redis-exporter"),
        // The platform's own tooling (readiness PING, the bench's audit reading the stream) and the operator by hand.
        new(Operator, "~* &* +@all", "the platform's tooling and its operator"),
    ];

    /// <summary>
    /// The ACL file (<c>--aclfile</c>): the default user off with no rights, then every user with the SHA-256
    /// of its password, never the password itself. <paramref name="passwords"/> holds one per user.
    /// </summary>
    public static string AclFile(IReadOnlyDictionary<string, string> passwords)
    {
        var text = new StringBuilder("user default off resetkeys resetchannels -@all\n");
        foreach (var user in All)
        {
            text.Append("user ").Append(user.Name).Append(" on #").Append(Sha256(passwords[user.Name])).Append(' ').Append(user.Rules).Append('\n');
        }

        return text.ToString();
    }

    private static string Sha256(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
