using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

public class CreateReservationTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task A_valid_request_is_201_with_location_the_reservation_and_the_replica()
    {
        var stay = NewStay();
        var phone = ReservationRequest.NewPhone();
        using var response = await PostAsync(Client(), Body(stay, phone));
        var reservation = await ExpectAsync(response, HttpStatusCode.Created);

        var code = (string)reservation["code"]!;
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{8}$", code);
        Assert.Equal($"/api/v1/reservations/{code}", response.Headers.Location?.OriginalString);
        Assert.Equal(Cluster.Replicas[0].Id, response.Headers.GetValues(PlatformHeaders.Replica).Single());
        Assert.Equal("pre_reserved", (string?)reservation["status"]);
        Assert.Equal(stay.AccommodationId, (int)reservation["accommodationId"]!);
        Assert.Equal("Ana Pérez", (string?)reservation["guestName"]);
        Assert.Equal(phone, (string?)reservation["guestPhone"]);
        Assert.Equal(stay.CheckIn.ToString("yyyy-MM-dd"), (string?)reservation["checkIn"]);
        Assert.Equal(3, (int)reservation["nights"]!);
        Assert.Equal(2, (int)reservation["guests"]!);
        var created = (DateTime)reservation["createdAt"]!;
        Assert.Equal(TimeSpan.FromMinutes(15), (DateTime)reservation["expiresAt"]! - created);
    }

    [Fact]
    public async Task The_price_counts_friday_and_saturday_nights_at_the_weekend_price()
    {
        // Accommodation 42 costs 100 a night and 125 on weekend nights (the seed's formula).
        var stay = StayAt(42, nights: 10);
        var thursday = NextDay(DayOfWeek.Thursday, stay.CheckIn);
        var reservation = await CreateAsync(new Stay(42, thursday, thursday.AddDays(4)));
        Assert.Equal(2 * 100m + 2 * 125m, (decimal)reservation["totalPrice"]!);
    }

    [Fact]
    public async Task The_reservation_its_nights_and_its_created_event_are_written_together()
    {
        var stay = NewStay(nights: 5);
        var code = (string)(await CreateAsync(stay))["code"]!;

        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE code = @code", new { code }));
        Assert.Equal(5, await CountAsync("""
            SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id
            WHERE r.code = @code AND n.accommodation_id = @AccommodationId AND n.night >= @CheckIn AND n.night < @CheckOut
            """, new { code, stay.AccommodationId, CheckIn = stay.CheckIn.ToDateTime(TimeOnly.MinValue), CheckOut = stay.CheckOut.ToDateTime(TimeOnly.MinValue) }));
        Assert.Equal(1, await CountAsync(
            "SELECT COUNT(*) FROM outbox WHERE reservation_code = @code AND event_type = 'reservation.created'", new { code }));
    }

    [Fact]
    public async Task Overlapping_dates_are_409_and_leave_nothing_behind()
    {
        var stay = NewStay(nights: 4);
        await CreateAsync(stay);
        var phone = ReservationRequest.NewPhone();
        using var response = await PostAsync(Client(1), Body(stay with { CheckIn = stay.CheckIn.AddDays(2), CheckOut = stay.CheckOut.AddDays(2) }, phone));
        await ExpectProblemAsync(response, HttpStatusCode.Conflict, ProblemTypes.DatesUnavailable);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    [Fact]
    public async Task A_stay_may_start_on_the_day_another_ends()
    {
        var stay = NewStay();
        await CreateAsync(stay);
        await CreateAsync(stay with { CheckIn = stay.CheckOut, CheckOut = stay.CheckOut.AddDays(2) });
        await CreateAsync(stay with { CheckIn = stay.CheckIn.AddDays(-2), CheckOut = stay.CheckIn });
    }

    [Fact]
    public async Task An_unknown_accommodation_is_422()
    {
        using var response = await PostAsync(Client(), Body(NewStay() with { AccommodationId = 1_000_001 }));
        await ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.UnknownAccommodation);
    }

    [Fact]
    public async Task More_guests_than_the_accommodation_holds_is_400_on_guests()
    {
        // Accommodation 7 holds 2 + 7 mod 7 = 2 guests.
        var stay = StayAt(7);
        using var response = await PostAsync(Client(), Body(stay, guests: 3));
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.NotNull(problem["errors"]!["guests"]);
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE reservations;--")]
    [InlineData("\" OR \"1\"=\"1")]
    [InlineData("Zoë 🏖️ 山田")]
    [InlineData("<script>alert(1)</script>")]
    public async Task Names_are_stored_and_returned_verbatim(string name)
    {
        using var response = await PostAsync(Client(), Body(NewStay(), name: name));
        var created = await ExpectAsync(response, HttpStatusCode.Created);
        var read = await Client(2).GetFromJsonAsync<JsonObject>($"/api/v1/reservations/{created["code"]}", Cancellation);
        Assert.Equal(name, (string?)read!["guestName"]);
        Assert.Equal(name, await QueryScalarAsync<string>("SELECT guest_name FROM reservations WHERE code = @code", new { code = (string)created["code"]! }));
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        var body = Body(NewStay());
        body["loyaltyTier"] = "gold";
        body["status"] = "confirmed";
        using var response = await PostAsync(Client(), body);
        var created = await ExpectAsync(response, HttpStatusCode.Created);
        Assert.Equal("pre_reserved", (string?)created["status"]);
    }

    [Fact]
    public async Task A_reservation_written_through_one_replica_is_read_through_the_others()
    {
        var code = (string)(await CreateAsync(NewStay(), client: Client(0)))["code"]!;
        for (var replica = 1; replica < 3; replica++)
        {
            using var response = await Client(replica).GetAsync($"/api/v1/reservations/{code}", Cancellation);
            var read = await ExpectAsync(response, HttpStatusCode.OK);
            Assert.Equal(code, (string?)read["code"]);
            Assert.Equal(Cluster.Replicas[replica].Id, response.Headers.GetValues(PlatformHeaders.Replica).Single());
        }
    }

    private static DateOnly NextDay(DayOfWeek day, DateOnly from)
    {
        while (from.DayOfWeek != day)
            from = from.AddDays(1);
        return from;
    }
}
