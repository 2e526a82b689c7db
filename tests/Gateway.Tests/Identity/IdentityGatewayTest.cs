using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>
/// Identity tests against real gateway processes in front of a <see cref="TcpUpstream"/> that records
/// exactly what a replica would receive; no database needed.
/// </summary>
public abstract class IdentityGatewayTest : GatewayTest, IAsyncDisposable
{
    protected const string AcmeKey = "acme-7d1f0c2a-key";
    protected const string GlobexKey = "globex-1c4e9a70-key";

    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>acme (create, read, manage; standard) and globex (read; premium), in environment form.</summary>
    protected static Dictionary<string, string> TwoClients() =>
        IdentitySettings.ClientSettings("acme", AcmeKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage)
            .Concat(IdentitySettings.ClientSettings("globex", GlobexKey, "premium", TestIdentity.Read))
            .ToDictionary();

    /// <summary>A recording upstream and a gateway in front of it alone; both stopped after the test.</summary>
    protected async Task<(GatewayProcess Gateway, TcpUpstream Upstream)> StartAsync(IReadOnlyDictionary<string, string>? settings = null,
        System.Net.HttpStatusCode answer = System.Net.HttpStatusCode.OK)
    {
        var upstream = TcpUpstream.Answering(answer);
        _owned.Add(upstream);
        var gateway = await StartGatewayAsync(new Dictionary<string, Uri> { ["recorder"] = upstream.Address }, settings);
        return (gateway, upstream);
    }

    protected async Task<GatewayProcess> StartGatewayAsync(IReadOnlyDictionary<string, Uri> destinations, IReadOnlyDictionary<string, string>? settings)
    {
        var gateway = await GatewayProcess.StartAsync(destinations, settings);
        _owned.Insert(0, gateway);
        return gateway;
    }

    /// <summary>The proxied requests the upstream received (its health checks left out).</summary>
    protected static List<RecordedRequest> Proxied(TcpUpstream upstream) =>
        [.. upstream.Requests.Select(RecordedRequest.Parse).Where(r => r.Target.StartsWith("/api/", StringComparison.Ordinal))];

    protected static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string target,
        string? apiKey = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, target);
        if (apiKey is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ApiKey, apiKey);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        if (method == HttpMethod.Post)
            request.Content = new StringContent(new JsonObject().ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        return await client.SendAsync(request, Cancellation);
    }

    /// <summary>
    /// Writes a clients file the way a deployment script should (a temporary file renamed over the
    /// old one): <c>{"Identity":{"Clients":{...}}}</c>.
    /// </summary>
    protected static void WriteClientsFile(string path, JsonObject clients)
    {
        var document = new JsonObject { ["Identity"] = new JsonObject { ["Clients"] = clients } };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, document.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    protected static JsonObject ClientEntry(string sha256, string policy, string? previousSha256 = null, params string[] scopes)
    {
        var entry = new JsonObject { ["Sha256"] = sha256, ["Policy"] = policy, ["Scopes"] = new JsonArray(scopes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()) };
        if (previousSha256 is not null)
            entry["PreviousSha256"] = previousSha256;
        return entry;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
            await owned.DisposeAsync();
        _owned.Clear();
        GC.SuppressFinalize(this);
    }
}
