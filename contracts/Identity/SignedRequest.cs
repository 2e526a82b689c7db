namespace Platform.Contracts.Identity;

/// <summary>
/// What of a request the identity is bound to: a header seen on one request cannot be moved to another
/// method, path, idempotency key or body. <see cref="IdempotencyKey"/> is the header's value as
/// received (null when absent); <see cref="ContentDigest"/> the RFC 9530 value of a non-empty body (null for none).
/// </summary>
public readonly record struct SignedRequest(string Method, string PathAndQuery, string? IdempotencyKey = null, string? ContentDigest = null);
