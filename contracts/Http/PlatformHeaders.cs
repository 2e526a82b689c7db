namespace Platform.Contracts.Http;

/// <summary>
/// The names of the headers the platform's own processes send each other: clients to the gateway,
/// the gateway to the replicas, and the replicas' answers. Standard headers the framework names
/// (<c>Retry-After</c>, <c>X-Forwarded-For</c>) are not repeated here.
/// </summary>
public static class PlatformHeaders
{
    // Client to gateway.

    /// <summary>A client's API key (docs/identity.md); the gateway removes it before proxying.</summary>
    public const string ApiKey = "X-Api-Key";

    /// <summary>A client's own, shorter deadline in milliseconds (docs/deadlines.md); the gateway removes it.</summary>
    public const string RequestTimeoutMs = "X-Request-Timeout-Ms";

    // Client to replica, through the gateway (which reads them too).

    /// <summary>A create's idempotency key: the replicas replay by it, the gateway retries a keyed create, and the identity is bound to it.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>An anonymous guest's secret for its reservation; the gateway counts a wrong one against the address.</summary>
    public const string ReservationSecret = "X-Reservation-Secret";

    // Gateway to replica: set by the gateway alone, whatever a client sent under these names.

    /// <summary>The signed identity (<see cref="Identity.IdentityToken"/>).</summary>
    public const string ClientIdentity = "X-Client-Identity";

    /// <summary>RFC 9530's digest of a forwarded body, as the gateway sets it: <c>sha-256=:{base64}:</c>.</summary>
    public const string ContentDigest = "Content-Digest";

    /// <summary>The instant the request's deadline passes, in Unix epoch milliseconds (<see cref="Deadlines.DeadlineHeaders"/>).</summary>
    public const string RequestDeadline = "X-Request-Deadline";

    // Replica to client, through the gateway.

    /// <summary>The replica that answered (its <c>Replica:Id</c>), on every answer.</summary>
    public const string Replica = "X-Replica";

    /// <summary><c>true</c> on a create answered from its idempotency key's first answer.</summary>
    public const string IdempotentReplayed = "Idempotent-Replayed";
}
