using System.Net;
using System.Text;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// docs/identity.md, the identity header: a signed identity is bound to its request's body (RFC 9530
/// Content-Digest) and Idempotency-Key, and a header dated more than 2 s ahead is refused. Each case
/// is a captured or forged header sent straight to a replica, as someone on the backend network could.
/// </summary>
public class BoundIdentityTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Path = "/api/v1/reservations";

    private async Task<HttpResponseMessage> SendAsync(string body, string identity, string? digest, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(PlatformHeaders.ClientIdentity, identity);
        if (digest is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ContentDigest, digest);
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.IdempotencyKey, idempotencyKey);
        return await UnsignedClient().SendAsync(request, Cancellation);
    }

    private static string Sign(string body, string? idempotencyKey = null, DateTimeOffset? issuedAt = null) =>
        TestIdentity.Sign(TestIdentity.DefaultClient, TestIdentity.DefaultScopes, HttpMethod.Post, Path, issuedAt, idempotencyKey,
            TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public async Task A_header_signed_for_its_body_is_accepted()
    {
        var body = Body(NewStay()).ToJsonString();
        using var response = await SendAsync(body, Sign(body), TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(body)));
        await ExpectAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_captured_header_replayed_with_another_body_is_a_401_and_writes_nothing()
    {
        var signed = Body(NewStay()).ToJsonString();
        var other = Body(NewStay()).ToJsonString();
        var identity = Sign(signed);
        var before = await CountAsync("SELECT COUNT(*) FROM reservations");

        // With the signed digest (the body does not match it), with the other body's own digest (the
        // MAC does not cover it), and with no digest at all.
        using (var lying = await SendAsync(other, identity, TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(signed))))
            await ExpectProblemAsync(lying, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
        using (var redigested = await SendAsync(other, identity, TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(other))))
            await ExpectProblemAsync(redigested, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
        using (var undigested = await SendAsync(other, identity, null))
            await ExpectProblemAsync(undigested, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
        Assert.Equal(before, await CountAsync("SELECT COUNT(*) FROM reservations"));
    }

    [Fact]
    public async Task A_body_under_a_header_signed_without_a_digest_is_a_401()
    {
        var body = Body(NewStay()).ToJsonString();
        var identity = TestIdentity.Sign(TestIdentity.DefaultClient, TestIdentity.DefaultScopes, HttpMethod.Post, Path);

        using var response = await SendAsync(body, identity, null);

        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
    }

    [Theory]
    [InlineData("sha-256=:AAAA:")]
    [InlineData("sha-512=:AAAA:")]
    [InlineData("")]
    public async Task A_malformed_or_foreign_digest_is_a_401(string digest)
    {
        var body = Body(NewStay()).ToJsonString();
        using var response = await SendAsync(body, Sign(body), digest);
        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
    }

    [Theory]
    [InlineData("key-a", "key-b")]
    [InlineData("key-a", null)]
    [InlineData(null, "key-b")]
    public async Task A_header_replayed_with_another_idempotency_key_is_a_401(string? signedKey, string? sentKey)
    {
        var body = Body(NewStay()).ToJsonString();
        using var response = await SendAsync(body, Sign(body, signedKey), TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(body)), sentKey);
        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
    }

    [Theory]
    [InlineData(3_000, HttpStatusCode.Unauthorized)]
    [InlineData(25_000, HttpStatusCode.Unauthorized)]
    [InlineData(1_000, HttpStatusCode.Created)]
    public async Task A_header_dated_more_than_2_s_ahead_is_a_401(int aheadMs, HttpStatusCode expected)
    {
        var body = Body(NewStay()).ToJsonString();
        using var response = await SendAsync(body, Sign(body, issuedAt: DateTimeOffset.UtcNow.AddMilliseconds(aheadMs)),
            TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_forged_holder_or_limits_do_not_verify()
    {
        var body = Body(NewStay()).ToJsonString();
        var identity = TestIdentity.Sign(TestIdentity.DefaultClient, TestIdentity.DefaultScopes, HttpMethod.Post, Path,
            contentDigest: TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(body)), holder: "victim", limits: TestIdentity.Limits(maxHolds: 1));
        var digest = TestIdentity.ContentDigest(Encoding.UTF8.GetBytes(body));

        using (var holder = await SendAsync(body, identity.Replace(";victim;", ";someone;", StringComparison.Ordinal), digest))
            await ExpectProblemAsync(holder, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
        using (var limits = await SendAsync(body, identity.Replace(";1,,,,1,;", ";,,,,1,;", StringComparison.Ordinal), digest))
            await ExpectProblemAsync(limits, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
    }
}
