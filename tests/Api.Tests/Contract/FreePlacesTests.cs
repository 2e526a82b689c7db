using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Contracts.Reservations;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// <c>GET /api/v1/admin/availability</c>: the places free for a stay, for N guests, cheapest first. The
/// expected answer is worked out here from the accommodations table and the stays this test holds, in a
/// window of a far year no other test books; bad and hostile parameters are a 400 naming them, and a
/// caller without the admin scope gets 403.
/// </summary>
public sealed class FreePlacesTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task Lists_every_place_that_sleeps_the_guests_with_no_night_held_cheapest_first_priced_as_a_create()
    {
        // A Thursday, so the stay has weekday and weekend nights; a year nobody else books.
        var checkIn = new DateOnly(2100 + Random.Shared.Next(0, 90), 1, 1);
        while (checkIn.DayOfWeek != DayOfWeek.Thursday)
            checkIn = checkIn.AddDays(1);
        var checkOut = checkIn.AddDays(3);
        await using var root = await Fixture.OpenRootAsync();
        var places = await PlaceRow.ReadAsync(root);
        var cheapest = places.Where(p => p.Capacity >= 4).OrderBy(p => Price(p, checkIn)).ThenBy(p => p.Id).ToList();

        // Hold the cheapest place's middle night, and a night touching the stay on each side of the second
        // cheapest (the night before check-in and the check-out night itself): only the first is taken.
        using var client = Client();
        await HoldAsync(client, (int)cheapest[0].Id, checkIn.AddDays(1), checkIn.AddDays(2));
        await HoldAsync(client, (int)cheapest[1].Id, checkIn.AddDays(-1), checkIn);
        await HoldAsync(client, (int)cheapest[1].Id, checkOut, checkOut.AddDays(1));

        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        var answer = await GetAsync(admin, $"checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}&guests=4&limit=200");
        Assert.Equal(3, (int)answer["nights"]!);
        Assert.Equal(4, (int)answer["guests"]!);
        var expected = cheapest.Skip(1).Take(200).ToList();
        var listed = answer["accommodations"]!.AsArray();
        Assert.Equal(expected.Select(p => p.Id), listed.Select(p => (long)p!["accommodationId"]!));
        Assert.Equal(expected.Select(p => Price(p, checkIn)), listed.Select(p => (decimal)p!["totalPrice"]!));
        Assert.All(listed, p => Assert.True((int)p!["capacity"]! >= 4));

        // A smaller limit is the same list's head; a guest count no place sleeps lists nothing.
        var head = await GetAsync(admin, $"checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}&guests=4&limit=5");
        Assert.Equal(expected.Take(5).Select(p => p.Id), head["accommodations"]!.AsArray().Select(p => (long)p!["accommodationId"]!));
        var none = await GetAsync(admin, $"checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}&guests=50");
        Assert.Empty(none["accommodations"]!.AsArray());
    }

    [Fact]
    public async Task When_the_cheapest_places_are_taken_it_asks_further_until_the_limit_is_met()
    {
        var checkIn = new DateOnly(2100 + Random.Shared.Next(0, 90), 6, 1);
        var checkOut = checkIn.AddDays(2);
        await using var root = await Fixture.OpenRootAsync();
        var cheapest = (await PlaceRow.ReadAsync(root, "capacity >= 4")).OrderBy(p => StayPrice.Total(checkIn, 2, p.NightlyPrice, p.WeekendPrice))
            .ThenBy(p => p.Id).ToList();
        // The first round asks about twice the limit (2 places for a limit of 1): take the three cheapest,
        // so the answer is found only in the second round, and the third for a limit of 3.
        using var client = Client();
        foreach (var place in cheapest.Take(3))
            await HoldAsync(client, (int)place.Id, checkIn.AddDays(1), checkOut);

        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        foreach (var limit in new[] { 1, 3 })
        {
            var answer = await GetAsync(admin, $"checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}&guests=4&limit={limit}");
            Assert.Equal(cheapest.Skip(3).Take(limit).Select(p => p.Id), answer["accommodations"]!.AsArray().Select(p => (long)p!["accommodationId"]!));
        }
    }

    [Theory]
    [InlineData("checkOut=2100-01-04", "checkIn")]
    [InlineData("checkIn=2100-01-04", "checkOut")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-04", "checkOut")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-01", "checkOut")]
    [InlineData("checkIn=2100-01-01&checkOut=2100-02-01", "checkOut")]
    [InlineData("checkIn=2026-01-01&checkOut=2126-01-01", "checkOut")]
    [InlineData("checkIn=2100-1-4&checkOut=2100-01-06", "checkIn")]
    [InlineData("checkIn=1900-01-04&checkOut=1900-01-06", "checkIn")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&guests=0", "guests")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&guests=51", "guests")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&guests=-1", "guests")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&guests=2%20OR%201=1", "guests")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&limit=0", "limit")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&limit=201", "limit")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&limit=99999999999999999999", "limit")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&guests=2&guests=3", "guests")]
    [InlineData("checkIn=2100-01-04&checkOut=2100-01-06&cheap=true", "cheap")]
    [InlineData("checkIn=2100-01-04'%3B%20DROP%20TABLE%20reservations%3B--&checkOut=2100-01-06", "checkIn")]
    public async Task A_bad_or_hostile_parameter_is_a_400_naming_it(string query, string field)
    {
        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using var response = await admin.GetAsync($"/api/v1/admin/availability?{query}", Cancellation);
        await BackOfficeChecks.ExpectValidationAsync(response, field);
    }

    [Fact]
    public async Task A_long_value_is_a_400_without_echoing_it_and_ten_kilobytes_a_414()
    {
        using var admin = ClientAs(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        var longValue = new string('9', 2_000);
        using (var response = await admin.GetAsync($"/api/v1/admin/availability?checkIn=2100-01-04&checkOut=2100-01-06&guests={longValue}", Cancellation))
        {
            var body = await BackOfficeChecks.ExpectValidationAsync(response, "guests");
            Assert.DoesNotContain(longValue[..100], body, StringComparison.Ordinal);
        }
        using var huge = await admin.GetAsync($"/api/v1/admin/availability?checkIn=2100-01-04&checkOut=2100-01-06&guests={new string('9', 10_000)}", Cancellation);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);
    }

    [Fact]
    public async Task A_caller_without_the_admin_scope_gets_403()
    {
        using var reader = Client();
        using var response = await reader.GetAsync("/api/v1/admin/availability?checkIn=2100-01-04&checkOut=2100-01-06", Cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static decimal Price(PlaceRow place, DateOnly checkIn) => StayPrice.Total(checkIn, 3, place.NightlyPrice, place.WeekendPrice);

    private static async Task HoldAsync(HttpClient client, int accommodationId, DateOnly checkIn, DateOnly checkOut)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(accommodationId, checkIn, checkOut) { Guests = 1 }.ToJson(), Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<JsonObject> GetAsync(HttpClient admin, string query)
    {
        using var response = await admin.GetAsync($"/api/v1/admin/availability?{query}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
    }
}
