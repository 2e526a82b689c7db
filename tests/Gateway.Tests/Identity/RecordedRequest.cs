using Platform.Contracts.Http;
using Platform.Contracts.Identity;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>A request as an upstream received it: method, target and every header line, duplicates kept.</summary>
public sealed record RecordedRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    private static readonly Lazy<byte[]> SigningKey = new(() => Convert.FromBase64String(File.ReadAllText(TestIdentity.KeyFile).Trim()));

    public static RecordedRequest Parse(string head)
    {
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Select(parts => KeyValuePair.Create(parts[0].Trim(), parts[1].Trim()))
            .ToList();
        return new RecordedRequest(requestLine[0], requestLine[1], headers);
    }

    public IReadOnlyList<string> Values(string name) =>
        [.. Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];

    /// <summary>
    /// The one <c>X-Client-Identity</c> header, verified as a replica would (30 s old at most, 2 s ahead),
    /// for this method, target, <c>Idempotency-Key</c> and <c>Content-Digest</c> as received; fails the test otherwise.
    /// </summary>
    public (string Client, string Scopes) VerifiedIdentity() => VerifiedClaims() is var claims ? (claims.Client, claims.Scopes) : default;

    internal IdentityClaims VerifiedClaims()
    {
        var identity = Assert.Single(Values(PlatformHeaders.ClientIdentity));
        var key = Values(PlatformHeaders.IdempotencyKey);
        var digest = Values(PlatformHeaders.ContentDigest);
        Assert.True(IdentityToken.TryVerify(SigningKey.Value, identity,
                new SignedRequest(Method, Target, key.Count == 0 ? null : string.Join(",", key), digest.Count == 0 ? null : Assert.Single(digest)),
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 30_000, IdentityToken.MaxFutureSkewMs, out var claims, out _),
            $"{identity} does not verify for {Method} {Target}");
        return claims;
    }
}
