using System.Globalization;
using System.Net;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>429s, their headers and their timing, through a real gateway in front of real replicas.</summary>
public sealed class QuotaTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    [Fact]
    public async Task Every_proxied_answer_counts_down_and_past_the_burst_comes_429_with_retry_after()
    {
        // One permit per 5 s, burst 5: nothing refills while the test sends its first six requests.
        var gateway = await StartGatewayAsync(Policy("anonymous", 0.2, 5));
        var client = ClientFor(gateway);

        for (var remaining = 4; remaining >= 0; remaining--)
        {
            using var admitted = await GetAsync(client);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.NotNull(ReplicaOf(admitted));
            Assert.Equal("\"anonymous\";q=5;w=25", Header(admitted, "RateLimit-Policy"));
            Assert.StartsWith($"\"anonymous\";r={remaining};t=", Header(admitted, "RateLimit"), StringComparison.Ordinal);
        }

        using var refused = await GetAsync(client);
        await ExpectGatewayProblemAsync(refused, HttpStatusCode.TooManyRequests, ProblemTypes.QuotaExceeded);
        var retryAfter = int.Parse(Header(refused, "Retry-After"), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 5);
        Assert.Equal("\"anonymous\";q=5;w=25", Header(refused, "RateLimit-Policy"));
        Assert.Matches("^\"anonymous\";r=0;t=(2[0-5]|1[0-9])$", Header(refused, "RateLimit"));

        // Waiting as told is enough: a permit is there, and only one.
        await Task.Delay(TimeSpan.FromSeconds(retryAfter), Cancellation);
        Assert.Equal(1, await AdmittedAsync(client, attempts: 3));
    }

    [Fact]
    public async Task Refused_requests_never_reach_a_replica_and_are_counted()
    {
        var gateway = await StartGatewayAsync(Policy("anonymous", 0.01, 2));
        var client = ClientFor(gateway);

        Assert.Equal(2, await AdmittedAsync(client, attempts: 12));

        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(2, PrometheusText.Value(metrics, "gateway_ratelimit_decisions_total", "policy=\"anonymous\",outcome=\"admitted\""));
        Assert.Equal(10, PrometheusText.Value(metrics, "gateway_ratelimit_decisions_total", "policy=\"anonymous\",outcome=\"rejected\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_ratelimit_partitions", ""));
        // Only the admitted two were forwarded.
        var forwarded = PrometheusText.Samples(metrics, "gateway_request_duration_seconds_count")
            .Where(sample => sample.Labels.Length > 0 && sample.Label("destination") != "none")
            .Sum(sample => sample.Value);
        Assert.Equal(2, forwarded);
    }

    [Fact]
    public async Task A_route_can_name_its_own_policy_and_the_rest_keep_theirs()
    {
        var gateway = await StartGatewayAsync(Merge(
            Policy("anonymous", 0.2, 5),
            Policy("writes", 0.2, 1),
            new Dictionary<string, string>
            {
                ["ReverseProxy__Routes__create__ClusterId"] = "replicas",
                ["ReverseProxy__Routes__create__Match__Path"] = "/api/v1/reservations",
                ["ReverseProxy__Routes__create__Match__Methods__0"] = "POST",
                ["ReverseProxy__Routes__create__RateLimiterPolicy"] = "writes",
            }));
        var client = ClientFor(gateway);

        using (var created = await PostReservationAsync(client, NewReservation(out _)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("\"writes\";q=1;w=5", Header(created, "RateLimit-Policy"));
        }
        using (var second = await PostReservationAsync(client, NewReservation(out _)))
        {
            await ExpectGatewayProblemAsync(second, HttpStatusCode.TooManyRequests, ProblemTypes.QuotaExceeded);
            Assert.StartsWith("\"writes\";", Header(second, "RateLimit"), StringComparison.Ordinal);
        }

        using var read = await GetAsync(client);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"anonymous\";q=5;w=25", Header(read, "RateLimit-Policy"));
    }

    [Fact]
    public async Task At_the_partition_cap_new_clients_share_one_overflow_bucket()
    {
        var gateway = await StartGatewayAsync(Merge(
            Policy("anonymous", 0.01, 2),
            new Dictionary<string, string>
            {
                ["RateLimiting__MaxPartitions"] = "2",
                ["RateLimiting__TrustedProxies__0"] = "127.0.0.1",
            }));
        var client = ClientFor(gateway);

        Assert.Equal(2, await AdmittedAsync(client, 3, forwardedFor: "198.51.100.1"));
        Assert.Equal(2, await AdmittedAsync(client, 3, forwardedFor: "198.51.100.2"));
        // Twenty more clients: together they get one bucket's burst, and no memory.
        var latecomers = 0;
        for (var i = 10; i < 30; i++)
        {
            latecomers += await AdmittedAsync(client, 1, forwardedFor: $"198.51.100.{i}");
        }

        Assert.Equal(2, latecomers);
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(2, PrometheusText.Value(metrics, "gateway_ratelimit_partitions", ""));
        Assert.Equal(20, PrometheusText.Value(metrics, "gateway_ratelimit_partition_overflow_total", ""));
    }

    [Fact]
    public async Task A_flood_from_many_addresses_meets_the_anonymous_ceiling_while_keyed_clients_pass()
    {
        const string key = "ceiling-test-key";
        var gateway = await StartGatewayAsync(Merge(
            Policy("anonymous", 10, 20),
            Policy("standard", 10, 20),
            new Dictionary<string, string>
            {
                ["RateLimiting__TrustedProxies__0"] = "127.0.0.1",
                ["RateLimiting__AnonymousCeiling__Enabled"] = "true",
                ["RateLimiting__AnonymousCeiling__PermitsPerSecond"] = "0.05",
                ["RateLimiting__AnonymousCeiling__Burst"] = "3",
                ["Identity__Clients__acme__Sha256"] = Platform.Gateway.Identity.ApiKeyDirectory.HashKey(key),
                ["Identity__Clients__acme__Policy"] = "standard",
            }));
        var client = ClientFor(gateway);

        // Twelve new addresses, each far inside its own limit: together they get the ceiling's burst
        // less the reserve kept for addresses known for a second (3 less 1).
        var admitted = 0;
        for (var i = 1; i <= 12; i++)
        {
            admitted += await AdmittedAsync(client, 1, forwardedFor: $"198.51.100.{i}");
        }
        Assert.Equal(2, admitted);

        using (var refused = await GetAsync(client, forwardedFor: "198.51.100.50"))
        {
            await ExpectGatewayProblemAsync(refused, HttpStatusCode.TooManyRequests, ProblemTypes.QuotaExceeded);
            Assert.Equal("\"anonymous-total\";q=3;w=60", Header(refused, "RateLimit-Policy"));
            Assert.Matches("^\"anonymous-total\";r=0;t=", Header(refused, "RateLimit"));
            // A newcomer during the pressure waits until the ceiling is back down to its depth (2 of the
            // 3 permits, one every 20 s): up to 40 s.
            Assert.InRange(int.Parse(Header(refused, "Retry-After"), CultureInfo.InvariantCulture), 1, 40);
        }

        // A keyed client is not charged to the ceiling and is admitted by its own tier.
        Assert.Equal(5, await AdmittedAsync(client, 5, apiKey: key));

        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(11, PrometheusText.Value(metrics, "gateway_ratelimit_anonymous_ceiling_rejections_total", ""));
        Assert.Equal(11, PrometheusText.Value(metrics, "gateway_ratelimit_decisions_total", "policy=\"anonymous\",outcome=\"rejected\""));
        Assert.Equal(5, PrometheusText.Value(metrics, "gateway_ratelimit_decisions_total", "policy=\"standard\",outcome=\"admitted\""));
    }

    [Fact]
    public async Task A_ceiling_that_cannot_work_stops_the_gateway_naming_the_key()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartGatewayAsync(new Dictionary<string, string>
        {
            ["RateLimiting__AnonymousCeiling__Enabled"] = "true",
            ["RateLimiting__AnonymousCeiling__PermitsPerSecond"] = "-1",
        }));

        Assert.Contains("RateLimiting:AnonymousCeiling:PermitsPerSecond", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_that_cannot_work_stops_the_gateway_naming_the_key()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartGatewayAsync(Policy("anonymous", 10, 0)));

        Assert.Contains("RateLimiting:Policies:anonymous:Burst", failure.Message, StringComparison.Ordinal);
    }
}
