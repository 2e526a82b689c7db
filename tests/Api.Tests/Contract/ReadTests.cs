using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

public class ReadTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public async Task A_reservation_is_read_by_its_code_in_any_case()
    {
        var code = (string)(await CreateAsync(NewStay()))["code"]!;
        using var response = await Client(1).GetAsync($"/api/v1/reservations/{code.ToLowerInvariant()}", Cancellation);
        Assert.Equal(code, (string?)(await ExpectAsync(response, HttpStatusCode.OK))["code"]);
    }

    [Theory]
    [InlineData("ZZZZZZZZ")]
    [InlineData("short")]
    [InlineData("not-a-code-at-all")]
    [InlineData("%27%20OR%201%3D1")]
    public async Task An_unknown_or_malformed_code_is_404(string code)
    {
        using var response = await Client().GetAsync($"/api/v1/reservations/{code}", Cancellation);
        await ExpectProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task A_guest_phone_lists_its_reservations_newest_first()
    {
        var phone = ReservationRequest.NewPhone();
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
            codes.Add((string)(await CreateAsync(NewStay(), phone, Client(i)))["code"]!);

        using var response = await Client().GetAsync($"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}", Cancellation);
        var items = (await ExpectAsync(response, HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(codes.AsEnumerable().Reverse(), items.Select(i => (string)i!["code"]!));

        using var limited = await Client().GetAsync($"/api/v1/reservations?guestPhone={Uri.EscapeDataString(phone)}&limit=2", Cancellation);
        Assert.Equal(2, (await ExpectAsync(limited, HttpStatusCode.OK))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_unencoded_plus_in_the_phone_is_read_as_plus()
    {
        var phone = ReservationRequest.NewPhone();
        await CreateAsync(NewStay(), phone);
        using var response = await Client().GetAsync($"/api/v1/reservations?guestPhone={phone}", Cancellation);
        Assert.Single((await ExpectAsync(response, HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_phone_with_no_reservations_lists_nothing()
    {
        using var response = await Client().GetAsync($"/api/v1/reservations?guestPhone={Uri.EscapeDataString(ReservationRequest.NewPhone())}", Cancellation);
        Assert.Empty((await ExpectAsync(response, HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Theory]
    [InlineData("", "guestPhone")]
    [InlineData("?guestPhone=", "guestPhone")]
    [InlineData("?guestPhone=12345", "guestPhone")]
    [InlineData("?guestPhone=%2B5491112345678&limit=0", "limit")]
    [InlineData("?guestPhone=%2B5491112345678&limit=101", "limit")]
    [InlineData("?guestPhone=%2B5491112345678&limit=ten", "limit")]
    [InlineData("?guestPhone=%2B5491112345678&limit=-5", "limit")]
    public async Task Bad_list_queries_are_400_naming_the_parameter(string query, string field)
    {
        using var response = await Client().GetAsync($"/api/v1/reservations{query}", Cancellation);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task Availability_shows_held_nights_as_unavailable()
    {
        var stay = NewStay(nights: 2);
        await CreateAsync(stay);
        var from = stay.CheckIn.AddDays(-1);
        using var response = await Client(2).GetAsync(
            $"/api/v1/accommodations/{stay.AccommodationId}/availability?from={from:yyyy-MM-dd}&to={stay.CheckOut.AddDays(1):yyyy-MM-dd}", Cancellation);
        var nights = (await ExpectAsync(response, HttpStatusCode.OK))["nights"]!.AsArray();
        Assert.Equal([true, false, false, true], nights.Select(n => (bool)n!["available"]!));
        Assert.Equal(from.ToString("yyyy-MM-dd"), (string?)nights[0]!["date"]);
    }

    [Theory]
    [InlineData("from=2030-01-01&to=2031-01-03", "to")]
    [InlineData("from=2030-01-05&to=2030-01-05", "to")]
    [InlineData("from=2030-01-05&to=2030-01-01", "to")]
    [InlineData("from=2030-02-30&to=2030-03-05", "from")]
    [InlineData("to=2030-03-05", "from")]
    [InlineData("from=2030-01-01", "to")]
    [InlineData("from=yesterday&to=2030-03-05", "from")]
    public async Task Bad_availability_ranges_are_400(string query, string field)
    {
        using var response = await Client().GetAsync($"/api/v1/accommodations/1/availability?{query}", Cancellation);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task A_full_366_day_range_is_allowed()
    {
        using var response = await Client().GetAsync("/api/v1/accommodations/1/availability?from=2030-01-01&to=2031-01-02", Cancellation);
        Assert.Equal(366, (await ExpectAsync(response, HttpStatusCode.OK))["nights"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("1001")]
    [InlineData("0")]
    [InlineData("abc")]
    public async Task Availability_of_an_unknown_accommodation_is_404(string id)
    {
        using var response = await Client().GetAsync($"/api/v1/accommodations/{id}/availability?from=2030-01-01&to=2030-01-05", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>With the database down, liveness still answers and readiness does not: OutageTests, which stops it.</summary>
    [Fact]
    public async Task Liveness_and_readiness_both_answer_ok_while_the_database_is_up()
    {
        using var live = await Client().GetAsync("/api/v1/health", Cancellation);
        Assert.Equal("ok", (string?)(await ExpectAsync(live, HttpStatusCode.OK))["status"]);
        using var ready = await Client().GetAsync("/health/ready", Cancellation);
        Assert.Equal("ok", (string?)(await ExpectAsync(ready, HttpStatusCode.OK))["status"]);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_call()
    {
        using var response = await Client().GetAsync("/api/v1/openapi.json", Cancellation);
        var paths = (await ExpectAsync(response, HttpStatusCode.OK))["paths"]!.AsObject();
        Assert.Contains("/api/v1/reservations", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/reservations/{code}", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/reservations/{code}/confirm", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/reservations/{code}/cancel", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/accommodations/{id}/availability", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/health", paths.Select(p => p.Key));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_shed_and_deadline_answers_of_every_read_and_write()
    {
        using var response = await Client().GetAsync("/api/v1/openapi.json", Cancellation);
        var paths = (await ExpectAsync(response, HttpStatusCode.OK))["paths"]!.AsObject();
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/reservations", "post"), ("/api/v1/reservations", "get"), ("/api/v1/reservations/{code}", "get"),
                     ("/api/v1/reservations/{code}/confirm", "post"), ("/api/v1/reservations/{code}/cancel", "post"),
                     ("/api/v1/accommodations/{id}/availability", "get"),
                 })
        {
            var responses = paths[path]![method]!["responses"]!.AsObject();
            foreach (var status in new[] { "400", "503", "504" })
                Assert.True(responses.ContainsKey(status), $"{method} {path} does not list {status}");
        }
    }

    [Fact]
    public async Task Every_response_names_its_replica_even_errors()
    {
        foreach (var path in new[] { "/api/v1/health", "/api/v1/reservations/ZZZZZZZZ", "/no/such/path", "/api/v1/reservations?guestPhone=x" })
        {
            using var response = await Client(1).GetAsync(path, Cancellation);
            Assert.Equal(Cluster.Replicas[1].Id, response.Headers.GetValues(PlatformHeaders.Replica).Single());
        }
    }
}
