using Platform.Testing;

namespace Platform.Api.Tests.TestInfrastructure;

public class PrometheusTextTests
{
    private const string Exposition = """
        # HELP api_requests_shed_total Requests shed.
        # TYPE api_requests_shed_total counter
        api_requests_shed_total{class="read",reason="deadline"} 4
        api_requests_shed_total{class="write",reason="capacity"} 9 1796000000000
        gateway_ratelimit_partitions 1
        http_request_duration_seconds_bucket{code="5xx",method="GET",endpoint="/api/v1/reservations/{code}",le="+Inf"} 1
        odd{path="a \"quoted\" } brace",le="0.5"} +Inf

        """;

    [Fact]
    public void A_series_is_found_by_its_name_and_labels_as_exposed()
    {
        Assert.Equal(4, PrometheusText.Value(Exposition, "api_requests_shed_total", "class=\"read\",reason=\"deadline\""));
        Assert.Equal(9, PrometheusText.Value(Exposition, "api_requests_shed_total", "class=\"write\",reason=\"capacity\""));
        Assert.Equal(1, PrometheusText.Value(Exposition, "gateway_ratelimit_partitions"));
        Assert.Equal(1, PrometheusText.Value(Exposition, "http_request_duration_seconds_bucket",
            "code=\"5xx\",method=\"GET\",endpoint=\"/api/v1/reservations/{code}\",le=\"+Inf\""));
    }

    [Fact]
    public void An_absent_series_is_null_not_zero()
    {
        Assert.Null(PrometheusText.Value(Exposition, "api_requests_shed_total", "class=\"read\",reason=\"capacity\""));
        Assert.Null(PrometheusText.Value(Exposition, "api_requests_shed_total"));
        Assert.Null(PrometheusText.Value(Exposition, "api_requests_shed"));
    }

    [Fact]
    public void Labels_are_read_one_by_one_with_escapes_and_braces_inside_values()
    {
        var odd = Assert.Single(PrometheusText.Samples(Exposition, "odd"));
        Assert.Equal("a \"quoted\" } brace", odd.Label("path"));
        Assert.Equal("0.5", odd.Label("le"));
        Assert.Null(odd.Label("missing"));
        Assert.Equal(double.PositiveInfinity, odd.Value);
        Assert.Equal(13, PrometheusText.Samples(Exposition, "api_requests_shed_total").Sum(sample => sample.Value));
        Assert.Equal(5, PrometheusText.Parse(Exposition).Count);
    }
}
