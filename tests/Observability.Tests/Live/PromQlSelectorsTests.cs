namespace Platform.Observability.Tests.Live;

public sealed class PromQlSelectorsTests
{
    [Theory]
    [InlineData("up{job=\"api\"} == 0", "up{job=\"api\"}")]
    [InlineData("absent(up{job=\"gateway\"} == 1)", "up{job=\"gateway\"}")]
    [InlineData("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job=\"api\", endpoint!~\"/health/.*\"}[5m]))) > 5",
        "http_request_duration_seconds_bucket{job=\"api\", endpoint!~\"/health/.*\"}")]
    [InlineData("gateway_ratelimit_address_partitions / gateway_ratelimit_partitions_max > 0.9", "gateway_ratelimit_address_partitions|gateway_ratelimit_partitions_max")]
    [InlineData("sum without (instance) (rate(a_total{x=\"}{\"}[1m] offset 5m)) / on (job) group_left (policy) b", "a_total{x=\"}{\"}|b")]
    [InlineData("max(x) > 100 and max by (job) (deriv(x[10m])) > 0", "x")]
    [InlineData("e{job=\"gateway\"} == 1\n  or sum without (reason) (increase(e_total{job=\"gateway\"}[15m])) >= 3", "e{job=\"gateway\"}|e_total{job=\"gateway\"}")]
    [InlineData("1e3 * 2 + vector(1)", "")]
    public void Finds_the_vector_selectors_and_nothing_else(string expression, string expected)
    {
        var want = expected.Length == 0 ? [] : expected.Split('|');
        Assert.Equal(want, PromQlSelectors.Extract(expression));
    }

    [Fact]
    public void An_unbalanced_expression_is_refused()
    {
        Assert.Throws<FormatException>(() => PromQlSelectors.Extract("rate(x{job=\"api\"[5m])"));
    }
}
