using System.Net;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>Two gateway processes and one real Redis share a limit, survive Redis stopping, and share again when it returns.</summary>
public sealed class GlobalModeTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    [Fact]
    public async Task Two_gateways_share_one_limit_keep_serving_without_Redis_and_share_again_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = Merge(
            Policy("anonymous", 0.1, 10),
            new Dictionary<string, string>
            {
                ["RateLimiting__Redis"] = redis.GatewayConnectionString,
                ["RateLimiting__RedisRetryAfter"] = "00:00:00.500",
            });
        var first = ClientFor(await StartGatewayAsync(settings));
        var second = ClientFor(await StartGatewayAsync(settings));

        // One bucket of 10 between them, not two.
        Assert.InRange(await AlternatingAdmittedAsync(first, second, 30), 10, 11);

        await redis.StopAsync();
        // Both keep serving on their own buckets: answers, not errors.
        Assert.True(await Eventually.HoldsAsync(async () => await AdmittedAsync(first, 1) == 1, TimeSpan.FromSeconds(10)));
        Assert.True(await Eventually.HoldsAsync(async () => await AdmittedAsync(second, 1) == 1, TimeSpan.FromSeconds(10)));
        foreach (var gateway in Gateways)
        {
            var metrics = await gateway.ReadMetricsAsync(Cancellation);
            Assert.Equal(0, PrometheusText.Value(metrics, "gateway_ratelimit_global_mode", ""));
            Assert.True(PrometheusText.Value(metrics, "gateway_ratelimit_global_fallbacks_total", "") > 0);
        }

        await redis.StartAgainAsync();
        foreach (var gateway in Gateways)
        {
            Assert.True(await Eventually.HoldsAsync(
                async () => PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_ratelimit_global_mode", "") == 1,
                TimeSpan.FromSeconds(20)), $"{gateway} did not return to global mode");
        }
        // Shared again: at most one bucket's worth between the two.
        Assert.InRange(await AlternatingAdmittedAsync(first, second, 30), 0, 11);
    }

    private static async Task<int> AlternatingAdmittedAsync(HttpClient first, HttpClient second, int requests)
    {
        var admitted = 0;
        for (var i = 0; i < requests; i++)
        {
            admitted += await AdmittedAsync(i % 2 == 0 ? first : second, 1);
        }
        return admitted;
    }
}
