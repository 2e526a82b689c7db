using System.Net;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Identity;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>Who a client is: its IP, a trusted proxy's X-Forwarded-For, or its API key.</summary>
public sealed class ClientIdentityTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    private const string AcmeKey = "acme-0b8f2c5e-key";

    /// <summary>One API-key client, acme, on the standard tier; its key is configured by digest only.</summary>
    private static readonly Dictionary<string, string> AcmeOnStandard = new()
    {
        ["Identity__Clients__acme__Sha256"] = ApiKeyDirectory.HashKey(AcmeKey),
        ["Identity__Clients__acme__Policy"] = "standard",
    };

    [Fact]
    public async Task A_spoofed_forwarded_for_from_an_untrusted_peer_buys_no_new_bucket()
    {
        var gateway = await StartGatewayAsync(Policy("anonymous", 0.01, 3));
        var client = ClientFor(gateway);

        Assert.Equal(3, await AdmittedAsync(client, 3));
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(0, await AdmittedAsync(client, 1, forwardedFor: $"203.0.113.{i}"));
        }
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_ratelimit_partitions", ""));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket_and_cannot_forge_another()
    {
        var gateway = await StartGatewayAsync(Merge(
            Policy("anonymous", 0.01, 3),
            new Dictionary<string, string> { ["RateLimiting__TrustedNetworks__0"] = "127.0.0.0/8" }));
        var client = ClientFor(gateway);

        Assert.Equal(3, await AdmittedAsync(client, 5, forwardedFor: "198.51.100.1"));
        Assert.Equal(3, await AdmittedAsync(client, 5, forwardedFor: "198.51.100.2"));
        // The client itself prepends a made-up hop: the proxy appended the real one, and that one counts.
        Assert.Equal(0, await AdmittedAsync(client, 3, forwardedFor: "192.0.2.99, 198.51.100.1"));
    }

    [Fact]
    public async Task An_API_key_client_is_limited_by_its_tier_apart_from_anonymous_traffic()
    {
        var gateway = await StartGatewayAsync(Merge(
            Policy("anonymous", 0.01, 1),
            Policy("standard", 0.01, 4),
            AcmeOnStandard));
        var client = ClientFor(gateway);

        using (var first = await GetAsync(client, apiKey: AcmeKey))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("\"standard\";q=4;w=400", Header(first, "RateLimit-Policy"));
        }
        Assert.Equal(3, await AdmittedAsync(client, 5, apiKey: AcmeKey));
        Assert.Equal(1, await AdmittedAsync(client, 3));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("")]
    [InlineData("ACME-0B8F2C5E-KEY")]
    public async Task An_unknown_key_is_a_401_problem_that_never_reaches_a_replica(string presented)
    {
        var gateway = await StartGatewayAsync(Merge(
            Policy("standard", 100, 100),
            AcmeOnStandard));
        var client = ClientFor(gateway);

        using var response = await GetAsync(client, apiKey: presented);

        await ExpectGatewayProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey);
        Assert.Equal("", Header(response, "RateLimit"));
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_ratelimit_unknown_api_keys_total", ""));
    }

    [Fact]
    public async Task Two_api_key_headers_are_refused_rather_than_guessed_between()
    {
        var gateway = await StartGatewayAsync(Merge(
            Policy("standard", 100, 100),
            AcmeOnStandard));
        var client = ClientFor(gateway);
        using var request = new HttpRequestMessage(HttpMethod.Get, Health);
        request.Headers.TryAddWithoutValidation(PlatformHeaders.ApiKey, [AcmeKey, "other"]);

        using var response = await client.SendAsync(request, Cancellation);

        await ExpectGatewayProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey);
    }
}
