using System.Net;
using System.Text;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Identity;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.Tls;

/// <summary>The README's tour through https://127.0.0.1:&lt;port&gt; with the local CA trusted, over HTTP/1.1 and HTTP/2.</summary>
public sealed class HttpsTests(GatewayFixture fixture) : TlsGatewayTest(fixture)
{
    public static TheoryData<string> Versions => ["1.1", "2.0"];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_tour_works_over_HTTPS_with_HSTS_on_every_answer(string version)
    {
        var http = HttpsClient(Version.Parse(version));
        http.DefaultRequestHeaders.Add(PlatformHeaders.ApiKey, IdentitySettings.AcmeKey);

        var body = NewReservation(out var phone);
        using var create = Request(HttpMethod.Post, "/api/v1/reservations", version);
        create.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        create.Headers.Add(PlatformHeaders.IdempotencyKey, $"tls-{Guid.NewGuid():N}");
        using var created = await http.SendAsync(create, Cancellation);
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        var code = (string)reservation["code"]!;
        var answers = new List<HttpResponseMessage> { created };
        try
        {
            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, $"/api/v1/reservations/{code}"),
                (HttpMethod.Get, $"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}&limit=20"),
                (HttpMethod.Post, $"/api/v1/reservations/{code}/confirm"),
                (HttpMethod.Post, $"/api/v1/reservations/{code}/cancel"),
                (HttpMethod.Get, "/api/v1/accommodations/42/availability?from=2031-01-08&to=2031-01-15"),
                (HttpMethod.Get, "/api/v1/health"),
            })
            {
                using var request = Request(method, path, version);
                var answer = await http.SendAsync(request, Cancellation);
                answers.Add(answer);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{method} {path} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(Cancellation)}");
            }
            using var notFound = await http.GetAsync("/nothing-here", Cancellation);
            await ExpectGatewayProblemAsync(notFound, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            answers.Add(notFound);

            Assert.All(answers, answer =>
            {
                Assert.Equal(Version.Parse(version), answer.Version);
                Assert.Equal("max-age=31536000", Assert.Single(answer.Headers.GetValues("Strict-Transport-Security")));
            });
        }
        finally
        {
            foreach (var answer in answers.Skip(1))
                answer.Dispose();
        }
    }

    // HttpClient's version settings apply to its own GetAsync and the like, not to a request built by hand.
    private static HttpRequestMessage Request(HttpMethod method, string path, string version) =>
        new(method, path) { Version = Version.Parse(version), VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    [Fact]
    public async Task The_OpenAPI_document_read_over_HTTPS_names_the_HTTPS_address_as_its_server()
    {
        using var answer = await HttpsClient(HttpVersion.Version20).GetAsync("/api/v1/openapi.json", Cancellation);
        var document = await ExpectAsync(answer, HttpStatusCode.OK);
        Assert.Equal(Https.GetLeftPart(UriPartial.Authority), (string?)document["servers"]![0]!["url"]);
    }

    [Fact]
    public async Task The_plain_port_sends_no_HSTS()
    {
        using var answer = await Client().GetAsync("/api/v1/health", Cancellation);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("--http1.1", "1.1")]
    [InlineData("--http2", "2")]
    public async Task Curl_with_the_CA_reaches_the_API_as_the_README_shows(string flag, string expected)
    {
        var (exit, output, errors) = await RunToolAsync("curl", "-sS", "--cacert", CaFile, flag, "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
            new Uri(Https, "/api/v1/health").ToString());
        Assert.True(exit == 0, $"curl exited {exit}: {errors}");
        Assert.Equal($"{expected} 200", output);
    }

    [Fact]
    public async Task A_session_is_resumed_on_the_next_connection()
    {
        // openssl's own client: it reconnects five times with the session of the first connection.
        var (_, output, _) = await RunToolAsync("openssl", "s_client", "-connect", $"127.0.0.1:{TlsPort}", "-CAfile", CaFile, "-tls1_2", "-reconnect");
        Assert.Contains("Verify return code: 0 (ok)", output, StringComparison.Ordinal);
        Assert.Contains("Reused, TLSv1.2", output, StringComparison.Ordinal);
    }
}
