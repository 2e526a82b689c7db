using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Proxy;
using Platform.Gateway.Tests.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>
/// docs/api.md, Limits, end to end: a real gateway with the anonymous defaults of appsettings.json signs
/// each address's holder and limits, bound to the body it forwards, and the real replicas enforce them.
/// Addresses come through a trusted proxy (X-Forwarded-For), one fresh address per test, so no other
/// test's holds count against them.
/// </summary>
public sealed class HoldLimitsEndToEndTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    /// <summary>The production anonymous limits (the test defaults raise them for every other test).</summary>
    private static readonly Dictionary<string, string> Production = new()
    {
        ["RateLimiting__TrustedProxies__0"] = "127.0.0.1",
        ["Identity__Anonymous__Limits__MaxActiveHolds"] = "2",
        ["Identity__Anonymous__Limits__MaxHeldNights"] = "14",
        ["Identity__Anonymous__Limits__MaxNightsPerReservation"] = "14",
        ["Identity__Anonymous__Limits__HorizonDays"] = "730",
        ["Identity__Anonymous__Limits__MayConfirm"] = "false",
    };

    private static string NewAddress() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    /// <summary>A stay inside the horizon that no other gateway test books (they book five years out).</summary>
    private static JsonObject Stay(int nights, int daysAhead = -1)
    {
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysAhead >= 0 ? daysAhead : Random.Shared.Next(400, 700));
        return new ReservationRequest(Random.Shared.Next(1, 1001), checkIn, checkIn.AddDays(nights)).ToJson();
    }

    private async Task<HttpResponseMessage> SendAsync(GatewayProcess gateway, string address, HttpMethod method, string path,
        JsonNode? body = null, string? secret = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (secret is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, secret);
        return await ClientFor(gateway).SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task An_address_holds_at_most_its_quota_and_another_address_is_not_charged_for_it()
    {
        var gateway = await StartGatewayAsync(Production);
        var address = NewAddress();
        for (var i = 0; i < 2; i++)
        {
            using var created = await SendAsync(gateway, address, HttpMethod.Post, "/api/v1/reservations", Stay(3));
            await ExpectAsync(created, HttpStatusCode.Created);
        }

        using var third = await SendAsync(gateway, address, HttpMethod.Post, "/api/v1/reservations", Stay(3));
        await HttpAnswers.ExpectProblemAsync(third, HttpStatusCode.Conflict, ProblemTypes.HoldQuotaExceeded, Cancellation);
        Assert.True(third.Headers.Contains("Retry-After"));

        using var elsewhere = await SendAsync(gateway, NewAddress(), HttpMethod.Post, "/api/v1/reservations", Stay(3));
        await ExpectAsync(elsewhere, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_guest_may_not_confirm_book_too_many_nights_or_beyond_the_horizon()
    {
        var gateway = await StartGatewayAsync(Production);
        var address = NewAddress();

        using (var long_ = await SendAsync(gateway, address, HttpMethod.Post, "/api/v1/reservations", Stay(15)))
            await HttpAnswers.ExpectProblemAsync(long_, HttpStatusCode.UnprocessableEntity, ProblemTypes.TooManyNights, Cancellation);
        using (var far = await SendAsync(gateway, address, HttpMethod.Post, "/api/v1/reservations", Stay(2, daysAhead: 731)))
            await HttpAnswers.ExpectProblemAsync(far, HttpStatusCode.UnprocessableEntity, ProblemTypes.BeyondBookingHorizon, Cancellation);

        using var created = await SendAsync(gateway, address, HttpMethod.Post, "/api/v1/reservations", Stay(2));
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        var code = (string)reservation["code"]!;
        using var confirm = await SendAsync(gateway, address, HttpMethod.Post, $"/api/v1/reservations/{code}/confirm",
            secret: (string)reservation["guestSecret"]!);
        await HttpAnswers.ExpectProblemAsync(confirm, HttpStatusCode.Forbidden, ProblemTypes.ConfirmNotAllowed, Cancellation);
        using var cancel = await SendAsync(gateway, address, HttpMethod.Post, $"/api/v1/reservations/{code}/cancel",
            secret: (string)reservation["guestSecret"]!);
        Assert.Equal("cancelled", (string?)(await ExpectAsync(cancel, HttpStatusCode.OK))["status"]);
    }
}
