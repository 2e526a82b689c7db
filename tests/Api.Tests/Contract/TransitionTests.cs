using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Contracts.Problems;

namespace Platform.Api.Tests.Contract;

public class TransitionTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task Confirm_moves_pre_reserved_to_confirmed_and_repeating_it_is_harmless()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await Client(attempt).PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
            Assert.Equal("confirmed", (string?)(await ExpectAsync(response, HttpStatusCode.OK))["status"]);
        }
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND event_type = 'reservation.confirmed'", new { code }));
    }

    [Fact]
    public async Task Cancel_frees_the_nights_for_someone_else()
    {
        var stay = NewStay();
        var code = (string)(await CreateAsync(stay))["code"]!;
        using var cancelled = await Client(1).PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation);
        Assert.Equal("cancelled", (string?)(await ExpectAsync(cancelled, HttpStatusCode.OK))["status"]);

        await CreateAsync(stay, client: Client(2));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND event_type = 'reservation.cancelled'", new { code }));
    }

    [Fact]
    public async Task A_confirmed_reservation_can_be_cancelled()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        using var confirmed = await Client().PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
        await ExpectAsync(confirmed, HttpStatusCode.OK);
        using var cancelled = await Client().PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation);
        Assert.Equal("cancelled", (string?)(await ExpectAsync(cancelled, HttpStatusCode.OK))["status"]);
    }

    [Fact]
    public async Task A_cancelled_reservation_cannot_be_cancelled_again_or_confirmed()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        using var first = await Client().PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation);
        await ExpectAsync(first, HttpStatusCode.OK);

        using var again = await Client().PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation);
        await ExpectProblemAsync(again, HttpStatusCode.Conflict, ProblemTypes.InvalidTransition);
        using var confirm = await Client().PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
        await ExpectProblemAsync(confirm, HttpStatusCode.Conflict, ProblemTypes.InvalidTransition);
    }

    [Fact]
    public async Task A_pre_reservation_past_its_hold_cannot_be_confirmed_or_cancelled_and_reads_as_expired()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        // Whether the one-second sweep gets to it first or not, the answers must be the same.
        await using var connection = await Fixture.OpenRootAsync();
        await connection.ExecuteAsync("UPDATE reservations SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE code = @code", new { code });

        using var confirm = await Client().PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation);
        await ExpectProblemAsync(confirm, HttpStatusCode.Conflict, ProblemTypes.InvalidTransition);
        using var cancel = await Client().PostAsync($"/api/v1/reservations/{code}/cancel", null, Cancellation);
        await ExpectProblemAsync(cancel, HttpStatusCode.Conflict, ProblemTypes.InvalidTransition);
        var read = await Client().GetFromJsonAsync<JsonObject>($"/api/v1/reservations/{code}", Cancellation);
        Assert.Equal("expired", (string?)read!["status"]);
    }

    [Theory]
    [InlineData("confirm")]
    [InlineData("cancel")]
    public async Task Transitions_of_an_unknown_reservation_are_404(string action)
    {
        using var response = await Client().PostAsync($"/api/v1/reservations/ZZZZZZZZ/{action}", null, Cancellation);
        await ExpectProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        using var malformed = await Client().PostAsync($"/api/v1/reservations/nope/{action}", null, Cancellation);
        await ExpectProblemAsync(malformed, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Concurrent_confirm_and_cancel_leave_one_consistent_outcome()
    {
        var stay = NewStay();
        var code = (string)(await CreateAsync(stay))["code"]!;
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Client(i % 3).PostAsync($"/api/v1/reservations/{code}/{(i % 2 == 0 ? "confirm" : "cancel")}", null, Cancellation)));
        foreach (var response in responses)
        {
            var text = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True((int)response.StatusCode is 200 or 409, $"unexpected {(int)response.StatusCode}: {text}");
            response.Dispose();
        }

        var status = await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code });
        var nights = await CountAsync("SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id WHERE r.code = @code", new { code });
        Assert.Equal(status == "cancelled" ? 0 : 3, nights);
        // Five cancels were sent, so it ends cancelled (a confirmed reservation may still be cancelled),
        // with one event per transition that happened: one cancel, and a confirm only if one came first.
        Assert.Equal("cancelled", status);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND event_type = 'reservation.cancelled'", new { code }));
        Assert.InRange(await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND event_type = 'reservation.confirmed'", new { code }), 0, 1);
    }
}
