using System.Net;
using System.Security.Cryptography;
using Platform.Contracts.Http;
using Platform.Contracts.Identity;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// docs/identity.md: a replica believes only an X-Client-Identity signed with its key for this very
/// request, and lets a caller do only what its scopes allow. Refusals are problem+json and change nothing.
/// </summary>
public class IdentityTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    /// <summary>Every call that needs a scope, with the scope it needs; {code} is an existing reservation.</summary>
    private static readonly (string Method, string Path, string Scope)[] Calls =
    [
        ("POST", "/api/v1/reservations", TestIdentity.Create),
        ("GET", "/api/v1/reservations/{code}", TestIdentity.Read),
        ("GET", "/api/v1/reservations?guestPhone=%2B5491112345678", TestIdentity.Read),
        ("POST", "/api/v1/reservations/{code}/confirm", TestIdentity.Manage),
        ("POST", "/api/v1/reservations/{code}/cancel", TestIdentity.Manage),
    ];

    public static TheoryData<string, string, string> ScopedCalls => new(Calls);

    [Theory]
    [MemberData(nameof(ScopedCalls))]
    public async Task A_call_without_its_scope_is_403_insufficient_scope_naming_it_and_changes_nothing(string method, string path, string scope)
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        var others = string.Join(',', new[] { TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage, TestIdentity.Admin }.Where(s => s != scope));
        var phone = ReservationRequest.NewPhone();
        using var request = Request(method, path.Replace("{code}", code, StringComparison.Ordinal), phone);

        using var response = await ClientAs(TestIdentity.DefaultClient, others).SendAsync(request, Cancellation);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope);
        Assert.Contains($"'{scope}'", (string?)problem["detail"], StringComparison.Ordinal);
        await AssertUnchangedAsync(code, phone);
    }

    [Fact]
    public async Task A_client_with_no_scopes_gets_403_for_every_call()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        foreach (var (method, path, _) in Calls)
        {
            var phone = ReservationRequest.NewPhone();
            using var request = Request(method, path.Replace("{code}", code, StringComparison.Ordinal), phone);
            using var response = await ClientAs("no-scopes", "").SendAsync(request, Cancellation);
            await ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope);
            await AssertUnchangedAsync(code, phone);
        }
    }

    /// <summary>The ways a header can fail to be the gateway's for this request.</summary>
    public static TheoryData<string> Forgeries => new()
    {
        "none", "other-key", "stale", "future", "oversized", "garbled", "empty", "repeated", "other-path", "other-method", "unsigned-scopes",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_call_without_the_gateways_identity_for_it_is_401_invalid_identity_and_changes_nothing(string forgery)
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        foreach (var (method, template, _) in Calls)
        {
            var path = template.Replace("{code}", code, StringComparison.Ordinal);
            var phone = ReservationRequest.NewPhone();
            using var request = Request(method, path, phone);
            foreach (var header in Forge(forgery, request.Method, path, code))
                request.Headers.TryAddWithoutValidation(PlatformHeaders.ClientIdentity, header);

            using var response = await UnsignedClient(1).SendAsync(request, Cancellation);

            var problem = await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.InvalidIdentity);
            Assert.DoesNotContain(phone, problem.ToJsonString(), StringComparison.Ordinal);
            await AssertUnchangedAsync(code, phone);
        }
    }

    [Fact]
    public async Task A_valid_header_sent_on_two_lines_is_401_invalid_identity()
    {
        // HttpClient joins repeated values into one line; a raw request sends two header lines,
        // each one alone valid for this request.
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        var path = $"/api/v1/reservations/{code}";
        var replica = Cluster.Replicas[2].BaseAddress;
        var header = TestIdentity.Sign(TestIdentity.DefaultClient, TestIdentity.DefaultScopes, HttpMethod.Get, path);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(replica.Host, replica.Port, Cancellation);
        await using var stream = tcp.GetStream();
        var raw = $"GET {path} HTTP/1.1\r\nHost: {replica.Authority}\r\n{PlatformHeaders.ClientIdentity}: {header}\r\n"
                  + $"{PlatformHeaders.ClientIdentity}: {header}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(raw), Cancellation);
        using var reader = new StreamReader(stream);
        var answer = await reader.ReadToEndAsync(Cancellation);

        Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid-identity\"", answer, StringComparison.Ordinal);

        // The same header once is accepted.
        using var once = new HttpRequestMessage(HttpMethod.Get, path);
        once.Headers.TryAddWithoutValidation(PlatformHeaders.ClientIdentity, header);
        using var response = await UnsignedClient(2).SendAsync(once, Cancellation);
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_and_availability_answer_without_an_identity()
    {
        var client = UnsignedClient();
        using var health = await client.GetAsync("/api/v1/health", Cancellation);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(400);
        using var availability = await client.GetAsync(
            $"/api/v1/accommodations/7/availability?from={from:yyyy-MM-dd}&to={from.AddDays(3):yyyy-MM-dd}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, availability.StatusCode);

        // A bad header does not matter where no identity is needed.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.ClientIdentity, "v1;garbage");
        using var withGarbage = await client.SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, withGarbage.StatusCode);
    }

    [Fact]
    public async Task A_header_signed_for_this_request_within_max_age_is_accepted()
    {
        // The clocks of the gateway and the replica may be a little apart: up to MaxAge behind, 2 s ahead.
        foreach (var skew in new[] { TimeSpan.FromSeconds(-20), TimeSpan.FromSeconds(1.5) })
        {
            var phone = ReservationRequest.NewPhone();
            using var request = Request("POST", "/api/v1/reservations", phone);
            var body = await request.Content!.ReadAsByteArrayAsync(Cancellation);
            var digest = TestIdentity.ContentDigest(body);
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ContentDigest, digest);
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ClientIdentity, TestIdentity.Sign(TestIdentity.DefaultClient, TestIdentity.DefaultScopes,
                HttpMethod.Post, "/api/v1/reservations", DateTimeOffset.UtcNow + skew,
                idempotencyKey: request.Headers.GetValues(PlatformHeaders.IdempotencyKey).Single(), contentDigest: digest));
            using var response = await UnsignedClient().SendAsync(request, Cancellation);
            await ExpectAsync(response, HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_401_and_403_for_every_call_that_needs_a_scope_and_the_guest_secret_header()
    {
        using var response = await Client().GetAsync("/api/v1/openapi.json", Cancellation);
        var paths = (await ExpectAsync(response, HttpStatusCode.OK))["paths"]!.AsObject();
        foreach (var (method, path, _) in Calls)
        {
            var operation = paths[path.Split('?')[0]]![method.ToLowerInvariant()]!;
            var responses = operation["responses"]!.AsObject();
            foreach (var status in new[] { "401", "403" })
                Assert.True(responses.ContainsKey(status), $"{method} {path} does not list {status}");
            var parameters = operation["parameters"]?.AsArray().Select(p => (string?)p!["name"]).ToList() ?? [];
            Assert.DoesNotContain("caller", parameters, StringComparer.OrdinalIgnoreCase);
            if (path.Contains("{code}", StringComparison.Ordinal))
                Assert.Contains(PlatformHeaders.ReservationSecret, parameters);
        }
        foreach (var (method, path) in new[] { ("get", "/api/v1/health"), ("get", "/api/v1/accommodations/{id}/availability") })
            Assert.False(paths[path]![method]!["responses"]!.AsObject().ContainsKey("401"), $"{method} {path} lists 401");
    }

    private static IEnumerable<string> Forge(string forgery, HttpMethod method, string path, string code)
    {
        var now = DateTimeOffset.UtcNow;
        string Signed(HttpMethod m, string p, DateTimeOffset? at = null, string scopes = TestIdentity.DefaultScopes) =>
            TestIdentity.Sign(TestIdentity.DefaultClient, scopes, m, p, at ?? now);
        return forgery switch
        {
            "none" => [],
            "other-key" => [IdentityToken.Sign(RandomNumberGenerator.GetBytes(32),
                new IdentityClaims(TestIdentity.DefaultClient, TestIdentity.DefaultScopes, TestIdentity.DefaultClient, HoldLimits.None.Format()),
                now.ToUnixTimeMilliseconds(), new SignedRequest(method.Method, path))],
            "stale" => [Signed(method, path, now.AddMinutes(-5))],
            "future" => [Signed(method, path, now.AddMinutes(5))],
            // Well signed, but longer than any header the gateway sends: refused unread.
            "oversized" => [Signed(method, path, scopes: string.Join(',', Enumerable.Repeat(TestIdentity.Read, 60)))],
            "garbled" => [$"v2;{TestIdentity.DefaultClient};{TestIdentity.DefaultScopes};not-a-time;AAAA"],
            "empty" => [""],
            "repeated" => [Signed(method, path), Signed(method, path)],
            "other-path" => [Signed(method, path.Contains(code, StringComparison.Ordinal)
                ? path.Replace(code, "ZZZZZZZZ", StringComparison.Ordinal)
                : path + "&x=1")],
            "other-method" => [Signed(method == HttpMethod.Get ? HttpMethod.Post : HttpMethod.Get, path)],
            // The scopes are part of what is signed: adding one breaks the MAC.
            "unsigned-scopes" => [Signed(method, path, scopes: TestIdentity.Read).Replace($";{TestIdentity.Read};",
                $";{TestIdentity.DefaultScopes},{TestIdentity.Admin};", StringComparison.Ordinal)],
            _ => throw new ArgumentOutOfRangeException(nameof(forgery), forgery, null),
        };
    }

    private static HttpRequestMessage Request(string method, string path, string phone)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST" && path == "/api/v1/reservations")
        {
            request.Content = new StringContent(Body(NewStay(), phone).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation(PlatformHeaders.IdempotencyKey, $"refused-{Guid.NewGuid():N}");
        }
        return request;
    }

    /// <summary>The reservation is still held with its one event, and no reservation for <paramref name="phone"/> was written.</summary>
    private async Task AssertUnchangedAsync(string code, string phone)
    {
        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code", new { code }));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }
}
