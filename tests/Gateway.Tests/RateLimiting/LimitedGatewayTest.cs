using System.Net;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>
/// Rate-limiting tests run their own gateway, with small limits, in front of the shared cluster's
/// replicas (the shared gateway's limits are set high so other tests are never throttled).
/// </summary>
public abstract class LimitedGatewayTest(GatewayFixture fixture) : SharedGatewayTest(fixture), IAsyncDisposable
{
    protected const string Health = "/api/v1/health";

    private readonly List<GatewayProcess> _gateways = [];

    /// <summary>The gateways this test started.</summary>
    protected IReadOnlyList<GatewayProcess> Gateways => _gateways;

    /// <summary>A gateway with <paramref name="settings"/> (environment form) over the shared replicas; stopped after the test.</summary>
    protected async Task<GatewayProcess> StartGatewayAsync(IReadOnlyDictionary<string, string> settings)
    {
        var gateway = await GatewayProcess.StartAsync(Cluster.Replicas, settings);
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>Settings for the anonymous policy (and any others) in environment form.</summary>
    protected static Dictionary<string, string> Policy(string name, double permitsPerSecond, int burst) => new()
    {
        [$"RateLimiting__Policies__{name}__PermitsPerSecond"] = permitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"RateLimiting__Policies__{name}__Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected static Dictionary<string, string> Merge(params IEnumerable<KeyValuePair<string, string>>[] parts)
    {
        var merged = new Dictionary<string, string>();
        foreach (var (key, value) in parts.SelectMany(part => part))
        {
            merged[key] = value;
        }
        return merged;
    }

    protected static async Task<HttpResponseMessage> GetAsync(HttpClient client, string? forwardedFor = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Health);
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ApiKey, apiKey);
        }
        return await client.SendAsync(request, Cancellation);
    }

    /// <summary>How many of <paramref name="attempts"/> GETs were admitted (200); any other status than 200/429 fails.</summary>
    protected static async Task<int> AdmittedAsync(HttpClient client, int attempts, string? forwardedFor = null, string? apiKey = null)
    {
        var admitted = 0;
        for (var i = 0; i < attempts; i++)
        {
            using var response = await GetAsync(client, forwardedFor, apiKey);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests,
                $"request {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
            admitted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }
        return admitted;
    }

    protected static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }
        _gateways.Clear();
        GC.SuppressFinalize(this);
    }
}
