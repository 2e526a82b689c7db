using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Gateway.Tests.Proxy;
using Platform.Gateway.Tests.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>
/// Failed authentication costs the caller's address: unknown keys and wrong guest secrets, through a
/// real gateway in front of real replicas, lock the address out (429 with Retry-After) past the
/// threshold, for everything but a valid key, until it cools down.
/// </summary>
public sealed class FailedAuthenticationTests(GatewayFixture fixture) : LimitedGatewayTest(fixture)
{
    private const string ValidKey = "failed-auth-valid-key-4d2f";

    [Fact]
    public async Task Wrong_keys_in_bulk_lock_the_address_out_for_everything_but_a_valid_key()
    {
        var gateway = await StartGatewayAsync(Settings(threshold: 5, cooldown: "00:00:50"));
        var client = ClientFor(gateway);

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await GetAsync(client, apiKey: Guess());
            await ExpectGatewayProblemAsync(wrong, HttpStatusCode.Unauthorized, ProblemTypes.UnknownApiKey);
        }

        // Past the threshold: more guesses, and anonymous requests from the address, are refused
        // without the key being looked at; one failure is forgiven every 10 s.
        for (var i = 0; i < 20; i++)
        {
            using var locked = await GetAsync(client, apiKey: i % 2 == 0 ? Guess() : null);
            await ExpectGatewayProblemAsync(locked, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyFailedAuthentications);
            Assert.InRange(int.Parse(Header(locked, "Retry-After"), CultureInfo.InvariantCulture), 1, 10);
        }

        // The valid key from the very same address is never refused for it.
        Assert.Equal(5, await AdmittedAsync(client, 5, apiKey: ValidKey));

        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(5, PrometheusText.Value(metrics, "gateway_failed_authentications_total", ""));
        Assert.Equal(20, PrometheusText.Value(metrics, "gateway_failed_authentication_lockouts_total", ""));
        Assert.Equal(1, PrometheusText.Value(metrics, "gateway_failed_authentication_addresses", ""));
    }

    [Fact]
    public async Task Another_address_and_the_client_whose_key_was_guessed_are_untouched()
    {
        var gateway = await StartGatewayAsync(Settings(threshold: 3, cooldown: "00:01:00"));
        var attacker = ClientFor(gateway);
        for (var i = 0; i < 10; i++)
        {
            using var _ = await GetAsync(attacker, apiKey: ValidKey + "x");
        }
        using (var locked = await GetAsync(attacker))
        {
            await ExpectGatewayProblemAsync(locked, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyFailedAuthentications);
        }

        using var neighbour = LoopbackClient.Create(gateway.BaseAddress, IPAddress.Parse("127.0.0.6"));
        Assert.Equal(3, await AdmittedAsync(neighbour, 3));
        Assert.Equal(3, await AdmittedAsync(neighbour, 3, apiKey: ValidKey));
    }

    [Fact]
    public async Task A_locked_out_address_is_served_again_once_it_has_cooled_down()
    {
        // Two failures, one forgiven every 2 s.
        var gateway = await StartGatewayAsync(Settings(threshold: 2, cooldown: "00:00:04"));
        var client = ClientFor(gateway);
        for (var i = 0; i < 2; i++)
        {
            using var _ = await GetAsync(client, apiKey: Guess());
        }

        int retryAfter;
        using (var locked = await GetAsync(client))
        {
            await ExpectGatewayProblemAsync(locked, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyFailedAuthentications);
            retryAfter = int.Parse(Header(locked, "Retry-After"), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 2);
        }

        await Task.Delay(TimeSpan.FromSeconds(retryAfter), Cancellation);
        Assert.Equal(2, await AdmittedAsync(client, 2));
    }

    [Fact]
    public async Task Wrong_guest_secrets_count_and_lock_the_address_out()
    {
        var gateway = await StartGatewayAsync(Settings(threshold: 4, cooldown: "00:01:00"));
        var client = ClientFor(gateway);
        using var created = await PostReservationAsync(client, NewReservation(out _));
        var code = (string)(await ExpectAsync(created, HttpStatusCode.Created))["code"]!;

        for (var i = 0; i < 4; i++)
        {
            using var wrong = await ReadWithSecretAsync(client, code, Base64Url(RandomNumberGenerator.GetBytes(32)));
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        }

        using (var locked = await ReadWithSecretAsync(client, code, Base64Url(RandomNumberGenerator.GetBytes(32))))
        {
            await ExpectGatewayProblemAsync(locked, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyFailedAuthentications);
        }
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(4, PrometheusText.Value(metrics, "gateway_failed_authentications_total", ""));
    }

    [Fact]
    public async Task A_flood_of_guesses_from_new_addresses_keeps_the_table_at_its_cap_and_valid_keys_pass()
    {
        var gateway = await StartGatewayAsync(Merge(
            Settings(threshold: 5, cooldown: "00:01:00"),
            new Dictionary<string, string>
            {
                ["RateLimiting__TrustedProxies__0"] = "127.0.0.1",
                ["FailedAuthentication__MaxAddresses"] = "3",
            }));
        var client = ClientFor(gateway);

        for (var i = 1; i <= 30; i++)
        {
            using var _ = await GetAsync(client, forwardedFor: $"198.51.100.{i}", apiKey: Guess());
        }

        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(3, PrometheusText.Value(metrics, "gateway_failed_authentication_addresses", ""));
        // Over the cap, new addresses share one bucket, spent by now: strict for them, never for a valid key.
        using (var shared = await GetAsync(client, forwardedFor: "198.51.100.200"))
        {
            await ExpectGatewayProblemAsync(shared, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyFailedAuthentications);
        }
        Assert.Equal(2, await AdmittedAsync(client, 2, forwardedFor: "198.51.100.201", apiKey: ValidKey));
    }

    [Theory]
    [InlineData("FailedAuthentication__Threshold", "0", "FailedAuthentication:Threshold")]
    [InlineData("FailedAuthentication__Cooldown", "00:00:00", "FailedAuthentication:Cooldown")]
    [InlineData("FailedAuthentication__MaxAddresses", "-1", "FailedAuthentication:MaxAddresses")]
    public async Task A_lockout_that_cannot_work_stops_the_gateway_naming_the_key(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StartGatewayAsync(new Dictionary<string, string> { [key] = value }));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(int threshold, string cooldown) => Merge(
        Policy("anonymous", 100, 200),
        IdentitySettings.ClientSettings("acme", ValidKey, "standard", TestIdentity.Read),
        new Dictionary<string, string>
        {
            ["FailedAuthentication__Threshold"] = threshold.ToString(CultureInfo.InvariantCulture),
            ["FailedAuthentication__Cooldown"] = cooldown,
        });

    private static string Guess() => "guess-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<HttpResponseMessage> ReadWithSecretAsync(HttpClient client, string code, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reservations/{code}");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, secret);
        return await client.SendAsync(request, Cancellation);
    }
}
