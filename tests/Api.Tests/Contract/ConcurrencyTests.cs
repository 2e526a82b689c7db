using System.Net;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

public class ConcurrencyTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task One_hundred_overlapping_requests_across_three_replicas_make_exactly_one_reservation()
    {
        var stay = NewStay(nights: 5);
        var phone = ReservationRequest.NewPhone();
        var clients = Enumerable.Range(0, 3).Select(Client).ToList();
        // Every request holds the stay's third night, each with its own start and end around it.
        var requests = Enumerable.Range(0, 100).Select(i => PostAsync(clients[i % 3],
            Body(stay with { CheckIn = stay.CheckIn.AddDays(i % 3), CheckOut = stay.CheckIn.AddDays(3 + i % 2) }, phone)));
        var responses = await Task.WhenAll(requests);
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.Conflict)
                await ExpectProblemAsync(response, HttpStatusCode.Conflict, ProblemTypes.DatesUnavailable);
            // ~33 writers at once per replica are more than its writers' share (20): the rest are shed untouched.
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                await ExpectProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.TemporaryReducedCapacity);
            response.Dispose();
        }

        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.Equal(99, statuses.Count(s => s is 409 or 503));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
        var nights = await CountAsync("""
            SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id WHERE r.guest_phone = @phone
            """, new { phone });
        Assert.Equal(await CountAsync("SELECT nights FROM reservations WHERE guest_phone = @phone", new { phone }), nights);
        Assert.Equal(1, await CountAsync("""
            SELECT COUNT(*) FROM outbox o JOIN reservations r ON r.code = o.reservation_code WHERE r.guest_phone = @phone
            """, new { phone }));
    }
}
