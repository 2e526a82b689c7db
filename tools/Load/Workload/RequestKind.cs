namespace Platform.Load.Workload;

/// <summary>What a user sends on each of its turns: the mix, or always one kind of request.</summary>
public enum RequestKind
{
    /// <summary>The reservation mix (<see cref="ReservationMix"/>).</summary>
    Mix,

    /// <summary>GET /api/v1/health.</summary>
    Health,

    /// <summary>A fresh create without an <c>Idempotency-Key</c>: not safe to send twice.</summary>
    Create,

    /// <summary>A fresh create with a unique <c>Idempotency-Key</c>: safe to re-send.</summary>
    KeyedCreate,

    /// <summary>A read of a code the run created (availability while none is created yet).</summary>
    Read,

    /// <summary>Availability of a random accommodation over two weeks of the window.</summary>
    Availability,

    /// <summary>An operator's turn in the back office (<see cref="BackOfficeTraffic"/>): a search, a report or the places free for a stay.</summary>
    Operator,
}
