using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;

namespace Platform.Api.Tests.Contract;

public class IdempotencyTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task The_same_key_and_body_return_the_first_response_again()
    {
        var key = Guid.NewGuid().ToString("N");
        var body = Body(NewStay());
        using var first = await PostAsync(Client(0), body, key);
        var original = await ExpectAsync(first, HttpStatusCode.Created);
        using var second = await PostAsync(Client(1), body, key);
        var replayed = await ExpectAsync(second, HttpStatusCode.Created);

        Assert.True(JsonNode.DeepEquals(original, replayed), $"{original} != {replayed}");
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("true", second.Headers.GetValues(PlatformHeaders.IdempotentReplayed).Single());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE idempotency_key = @key", new { key }));
    }

    [Fact]
    public async Task A_replay_after_confirmation_still_returns_the_first_response_and_changes_nothing()
    {
        var key = Guid.NewGuid().ToString("N");
        var body = Body(NewStay());
        using var first = await PostAsync(Client(), body, key);
        var code = (string)(await ExpectAsync(first, HttpStatusCode.Created))["code"]!;
        using var confirm = await Client().PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
        await ExpectAsync(confirm, HttpStatusCode.OK);

        using var replay = await PostAsync(Client(2), body, key);
        Assert.Equal(code, (string?)(await ExpectAsync(replay, HttpStatusCode.Created))["code"]);
        Assert.Equal("confirmed", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code }));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422()
    {
        var key = Guid.NewGuid().ToString("N");
        using var first = await PostAsync(Client(), Body(NewStay()), key);
        await ExpectAsync(first, HttpStatusCode.Created);
        using var second = await PostAsync(Client(1), Body(NewStay()), key);
        await ExpectProblemAsync(second, HttpStatusCode.UnprocessableEntity, ProblemTypes.IdempotencyKeyReused);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE idempotency_key = @key", new { key }));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_reservation()
    {
        var key = Guid.NewGuid().ToString("N");
        var body = Body(NewStay());
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => PostAsync(Client(i % 3), body, key)));
        var codes = new HashSet<string>();
        foreach (var response in responses)
        {
            codes.Add((string)(await ExpectAsync(response, HttpStatusCode.Created))["code"]!);
            response.Dispose();
        }
        Assert.Single(codes);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE idempotency_key = @key", new { key }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code", new { code = codes.Single() }));
    }

    [Fact]
    public async Task A_key_whose_first_attempt_was_refused_can_be_used_again()
    {
        var stay = NewStay();
        await CreateAsync(stay);
        var key = Guid.NewGuid().ToString("N");
        using var refused = await PostAsync(Client(), Body(stay), key);
        await ExpectProblemAsync(refused, HttpStatusCode.Conflict, ProblemTypes.DatesUnavailable);
        using var retried = await PostAsync(Client(), Body(NewStay()), key);
        await ExpectAsync(retried, HttpStatusCode.Created);
    }
}
