using System.Net;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Identity;

/// <summary>
/// What a replica receives: one <c>X-Client-Identity</c>, the gateway's, signed for the request's
/// method, path and query, whatever the client sent; and what never reaches it.
/// </summary>
public sealed class IdentitySigningTests : IdentityGatewayTest
{
    [Fact]
    public async Task A_keyed_request_reaches_the_replica_with_the_gateways_signed_identity_and_a_forged_one_is_overwritten()
    {
        var (gateway, upstream) = await StartAsync(TwoClients());
        var client = ClientFor(gateway);
        var forged = TestIdentity.Sign("globex", TestIdentity.Admin, HttpMethod.Get, "/api/v1/reservations/ABC123?x=1");

        using var response = await SendAsync(client, HttpMethod.Get, "/api/v1/reservations/ABC123?x=1&y=%2B2", AcmeKey,
            (PlatformHeaders.ClientIdentity, forged), (PlatformHeaders.ClientIdentity, "v1;admin;reservations:admin;0;AAAA"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(Proxied(upstream));
        Assert.DoesNotContain(forged, received.Values(PlatformHeaders.ClientIdentity));
        var (name, scopes) = received.VerifiedIdentity();
        Assert.Equal("acme", name);
        Assert.Equal("reservations:create,reservations:read,reservations:manage", scopes);
        Assert.Empty(received.Values(PlatformHeaders.ApiKey));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task A_keyless_request_is_signed_as_anonymous_even_with_rate_limiting_off(string rateLimiting)
    {
        var settings = TwoClients();
        settings["RateLimiting__Enabled"] = rateLimiting;
        var (gateway, upstream) = await StartAsync(settings);
        var client = ClientFor(gateway);

        using var response = await SendAsync(client, HttpMethod.Post, "/api/v1/reservations", apiKey: null,
            (PlatformHeaders.ClientIdentity, TestIdentity.Sign("acme", TestIdentity.Admin, HttpMethod.Post, "/api/v1/reservations")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(Proxied(upstream));
        Assert.Equal(("anonymous", "reservations:create"), received.VerifiedIdentity());
    }

    [Fact]
    public async Task A_write_is_signed_over_its_body_digest_and_idempotency_key_and_names_the_holder_without_its_address()
    {
        var settings = TwoClients();
        settings["Identity__Clients__acme__Limits__MaxActiveHolds"] = "5";
        settings["Identity__Clients__acme__Limits__MayConfirm"] = "false";
        var (gateway, upstream) = await StartAsync(settings);
        var client = ClientFor(gateway);

        using var anonymous = await SendAsync(client, HttpMethod.Post, "/api/v1/reservations", apiKey: null,
            (PlatformHeaders.IdempotencyKey, "key-1"), (PlatformHeaders.ContentDigest, "sha-256=:forged:"));
        using var keyed = await SendAsync(client, HttpMethod.Post, "/api/v1/reservations", AcmeKey);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        var received = Proxied(upstream);
        Assert.Equal(2, received.Count);
        // SendAsync posts "{}": its digest, the gateway's, replaced the client's.
        var digest = TestIdentity.ContentDigest("{}"u8);
        Assert.Equal([digest], received[0].Values(PlatformHeaders.ContentDigest));
        var guest = received[0].VerifiedClaims();
        Assert.StartsWith(".", guest.Holder, StringComparison.Ordinal);
        Assert.DoesNotContain("127", guest.Holder, StringComparison.Ordinal);
        Assert.Equal("1000000,1000000,30,36500,1,600", guest.Limits);
        var acme = received[1].VerifiedClaims();
        Assert.Equal(("acme", "acme", "5,,,,0,"), (acme.Client, acme.Holder, acme.Limits));
    }

    [Fact]
    public async Task Anonymous_callers_can_be_given_no_scope_at_all()
    {
        var settings = TwoClients();
        settings["Identity__Anonymous__Scopes"] = "";
        var (gateway, upstream) = await StartAsync(settings);

        using var response = await SendAsync(ClientFor(gateway), HttpMethod.Get, "/api/v1/accommodations/1/availability");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("anonymous", ""), Assert.Single(Proxied(upstream)).VerifiedIdentity());
    }

    [Theory]
    [InlineData("/api/v1/reservations?api_key=acme-7d1f0c2a-key")]
    [InlineData("/api/v1/reservations?guestPhone=%2B5491155&ApiKey=x")]
    [InlineData("/api/v1/health?ACCESS_TOKEN=x")]
    [InlineData("/api/v1/health?x-api-key")]
    [InlineData("/api/v1/health?api%2Dkey=x")]
    public async Task A_key_in_the_query_string_is_a_400_that_never_reaches_a_replica(string target)
    {
        var (gateway, upstream) = await StartAsync(TwoClients());

        using var response = await SendAsync(ClientFor(gateway), HttpMethod.Get, target, AcmeKey);

        var problem = await ExpectGatewayProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ApiKeyInQuery);
        Assert.DoesNotContain(AcmeKey, problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(Proxied(upstream));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("")]
    [InlineData("ACME-7D1F0C2A-KEY")]
    public async Task An_unknown_key_is_a_401_that_never_reaches_a_replica_and_is_counted_as_unknown(string presented)
    {
        var (gateway, upstream) = await StartAsync(TwoClients());

        using var response = await SendAsync(ClientFor(gateway), HttpMethod.Get, "/api/v1/health", presented);

        await ExpectGatewayProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey);
        Assert.Empty(Proxied(upstream));
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_client_denials_total", "client=\"unknown\",code=\"401\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_ratelimit_unknown_api_keys_total", ""));
        Assert.Equal(0, PrometheusText.Value(metrics, "gateway_client_denials_total", "client=\"acme\",code=\"401\""));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "401")]
    [InlineData(HttpStatusCode.Forbidden, "403")]
    [InlineData(HttpStatusCode.NotFound, "404")]
    public async Task A_replicas_denial_is_counted_under_the_client_it_was_for(HttpStatusCode answer, string code)
    {
        var (gateway, _) = await StartAsync(TwoClients(), answer);
        var client = ClientFor(gateway);

        for (var i = 0; i < 2; i++)
        {
            using var keyed = await SendAsync(client, HttpMethod.Get, "/api/v1/reservations/ABC123", GlobexKey);
            Assert.Equal(answer, keyed.StatusCode);
        }
        using (var keyless = await SendAsync(client, HttpMethod.Get, "/api/v1/reservations/ABC123"))
            Assert.Equal(answer, keyless.StatusCode);

        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(2, PrometheusText.Value(metrics, "gateway_client_denials_total", $"client=\"globex\",code=\"{code}\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_client_denials_total", $"client=\"anonymous\",code=\"{code}\""));
        Assert.Equal(0, PrometheusText.Value(metrics, "gateway_client_denials_total", $"client=\"acme\",code=\"{code}\""));
    }

    [Fact]
    public async Task Denials_from_a_replica_are_counted_by_client_and_other_answers_are_not()
    {
        var (gateway, _) = await StartAsync(TwoClients());
        var client = ClientFor(gateway);

        using (var ok = await SendAsync(client, HttpMethod.Get, "/api/v1/health", GlobexKey))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var outside = await SendAsync(client, HttpMethod.Get, "/not-api", GlobexKey))
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);

        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        // Series exist from the start for every configured client, anonymous and unknown, and stay at 0
        // here: a 200, and a 404 the gateway gives outside the proxied routes, are not denials by a replica.
        foreach (var name in (string[])["acme", "globex", "anonymous", "unknown"])
        {
            foreach (var code in (string[])["401", "403", "404"])
                Assert.Equal(0, PrometheusText.Value(metrics, "gateway_client_denials_total", $"client=\"{name}\",code=\"{code}\""));
        }
        Assert.Equal(0, PrometheusText.Value(metrics, "gateway_identity_reloads_total", "outcome=\"applied\""));
        Assert.Equal(0, PrometheusText.Value(metrics, "gateway_identity_reloads_total", "outcome=\"refused\""));
    }

    [Fact]
    public async Task A_hedged_copy_carries_the_same_verified_identity()
    {
        await using var stalling = TcpUpstream.Stalling();
        var answering = TcpUpstream.Answering();
        await using var _ = answering;
        var settings = TwoClients();
        settings[$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false";
        settings["Proxy__Outliers__Enabled"] = "false";
        var gateway = await StartGatewayAsync(
            new Dictionary<string, Uri> { ["stalling"] = stalling.Address, ["answering"] = answering.Address }, settings);
        var client = ClientFor(gateway);

        // Round robin: within a few requests one goes first to the stalling destination and is hedged.
        var hedgesWon = 0.0;
        for (var i = 0; i < 8 && hedgesWon == 0; i++)
        {
            using var response = await SendAsync(client, HttpMethod.Get, $"/api/v1/reservations/HEDGE{i}?n={i}", AcmeKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            hedgesWon = HedgesWon(await gateway.ReadMetricsAsync(Cancellation));
        }

        Assert.True(hedgesWon >= 1, $"no request was hedged:{Environment.NewLine}{gateway.Output}");
        var received = Proxied(answering);
        Assert.NotEmpty(received);
        Assert.All(received, request => Assert.Equal("acme", request.VerifiedIdentity().Client));
    }

    [Fact]
    public async Task A_retried_request_carries_the_same_verified_identity()
    {
        await using var dropping = TcpUpstream.Dropping();
        var answering = TcpUpstream.Answering();
        await using var _ = answering;
        var settings = TwoClients();
        settings[$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false";
        settings[$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Passive__Enabled"] = "false";
        settings["Proxy__Hedging__Enabled"] = "false";
        settings["Proxy__Outliers__Enabled"] = "false";
        var gateway = await StartGatewayAsync(
            new Dictionary<string, Uri> { ["dropping"] = dropping.Address, ["answering"] = answering.Address }, settings);
        var client = ClientFor(gateway);

        for (var i = 0; i < 4; i++)
        {
            using var response = await SendAsync(client, HttpMethod.Get, $"/api/v1/reservations/RETRY{i}", AcmeKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var retries = PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_upstream_retries_total",
            $"cluster=\"{GatewayService.Cluster}\",destination=\"dropping\"");
        Assert.True(retries >= 1, $"no request was retried:{Environment.NewLine}{gateway.Output}");
        var received = Proxied(answering);
        Assert.Equal(4, received.Count);
        Assert.All(received, request => Assert.Equal("acme", request.VerifiedIdentity().Client));
        // The dropped attempts carried the same header: the retry re-sends the request as it was.
        Assert.All(Proxied(dropping), request => Assert.Equal("acme", request.VerifiedIdentity().Client));
    }

    private static double HedgesWon(string metrics) => PrometheusText.Samples(metrics, "gateway_hedges_total")
        .Where(sample => sample.Label("outcome") == "won")
        .Sum(sample => sample.Value);
}
