using System.Net;
using System.Text;
using Platform.Contracts.Problems;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>Whatever a client sends, the answer is a clear 4xx: the gateway's own problem, or the API's passed through intact.</summary>
public class BadInputTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/nope")]
    [InlineData("/apis/v1/health")]
    [InlineData("/favicon.ico")]
    [InlineData("/admin")]
    public async Task Paths_outside_the_api_are_404_problems_from_the_gateway(string path)
    {
        using var response = await Client().GetAsync(path, Cancellation);
        await ExpectGatewayProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("BREW")]
    public async Task A_method_the_API_does_not_serve_is_passed_to_the_API_which_answers_it(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/v1/health");
        using var response = await Client().SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.StartsWith("api-", ReplicaOf(response));
    }

    [Fact]
    public async Task Broken_json_reaches_the_API_and_its_problem_comes_back_intact()
    {
        using var content = new StringContent("{\"accommodationId\": 4", Encoding.UTF8, "application/json");
        using var response = await Client().PostAsync("/api/v1/reservations", content, Cancellation);

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
        Assert.StartsWith("api-", ReplicaOf(response));
    }

    [Fact]
    public async Task A_body_exactly_at_the_limit_is_forwarded_to_a_replica()
    {
        // Valid JSON of exactly 64 KiB: the API reads all of it and rejects the missing fields.
        var prefix = "{\"guestName\":\"";
        var suffix = "\"}";
        var body = prefix + new string('x', 65536 - prefix.Length - suffix.Length) + suffix;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        Assert.Equal(65536, content.Headers.ContentLength);
        using var response = await Client().PostAsync("/api/v1/reservations", content, Cancellation);

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.StartsWith("api-", ReplicaOf(response));
    }
}
