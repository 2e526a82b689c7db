using System.Net;
using System.Text;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>The deadline headers of docs/deadlines.md, as a client sends them: bad forms refused, the replica's header never the client's.</summary>
public class DeadlineTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("0")]
    [InlineData("600001")]
    [InlineData("99999999999999999999")]
    [InlineData("1 00")]
    [InlineData("0x10")]
    [InlineData("10s")]
    public async Task A_malformed_client_timeout_is_a_400_problem_from_the_gateway(string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestTimeoutMs, value);
        using var response = await Client().SendAsync(request, Cancellation);

        var problem = await ExpectGatewayProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
        Assert.Contains(PlatformHeaders.RequestTimeoutMs, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_client_timeouts_are_refused_rather_than_one_chosen()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestTimeoutMs, ["100", "200"]);
        using var response = await Client().SendAsync(request, Cancellation);

        await ExpectGatewayProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
    }

    [Theory]
    [InlineData("2500")]
    [InlineData("600000")] // longer than the route's own deadline, which still holds: nothing changes
    public async Task A_well_formed_client_timeout_is_accepted_and_a_longer_one_changes_nothing(string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestTimeoutMs, value);
        using var response = await Client().SendAsync(request, Cancellation);

        await ExpectAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_one_millisecond_timeout_is_accepted_and_ends_as_an_answer_or_the_gateways_504()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestTimeoutMs, "1");
        using var response = await Client().SendAsync(request, Cancellation);

        // 1 ms may pass before a replica answers; then it is the gateway's 504, never anything else.
        if (response.StatusCode == HttpStatusCode.GatewayTimeout)
            await ExpectGatewayProblemAsync(response, HttpStatusCode.GatewayTimeout, ProblemTypes.UpstreamTimeout);
        else
            await ExpectAsync(response, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("not-a-time")]
    [InlineData("99999999999999999999")]
    public async Task A_deadline_header_sent_by_a_client_is_overwritten_by_the_gateway(string value)
    {
        // Were it passed on, the replica would refuse a passed or malformed deadline (504, 400).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
        {
            Content = new StringContent(NewReservation(out _).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestDeadline, value);
        using var response = await Client().SendAsync(request, Cancellation);

        await ExpectAsync(response, HttpStatusCode.Created);
    }
}
