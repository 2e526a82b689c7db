using System.Net;
using System.Text.Json.Nodes;
using Platform.Gateway.Identity;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>Identity:ClientsFile is watched: keys are rotated and revoked by editing it, with no restart.</summary>
public sealed class ClientsFileReloadTests : IdentityGatewayTest
{
    private const string AcmeNextKey = "acme-next-59be33a1-key";
    private static readonly TimeSpan Reload = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Rotated_keys_both_work_and_a_revoked_key_is_refused_after_the_file_changes()
    {
        var directory = ScratchDirectory.Create("platform-identity-");
        try
        {
            var file = directory.Combine("clients.json");
            WriteClientsFile(file, new JsonObject { ["acme"] = ClientEntry(ApiKeyDirectory.HashKey(AcmeKey), "standard", scopes: TestIdentity.Read) });
            var (gateway, upstream) = await StartAsync(new Dictionary<string, string> { ["Identity__ClientsFile"] = file });
            var client = ClientFor(gateway);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, AcmeKey));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, AcmeNextKey));

            // Rotation: the new key's digest in Sha256, the old one moved to PreviousSha256.
            WriteClientsFile(file, new JsonObject
            {
                ["acme"] = ClientEntry(ApiKeyDirectory.HashKey(AcmeNextKey), "standard", ApiKeyDirectory.HashKey(AcmeKey), TestIdentity.Read),
            });
            Assert.True(await Eventually.HoldsAsync(async () => await StatusAsync(client, AcmeNextKey) == HttpStatusCode.OK, Reload),
                $"the new key was never accepted:{Environment.NewLine}{gateway.Output}");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, AcmeKey));

            // Revocation of the old key: its digest removed.
            WriteClientsFile(file, new JsonObject { ["acme"] = ClientEntry(ApiKeyDirectory.HashKey(AcmeNextKey), "standard", scopes: TestIdentity.Read) });
            Assert.True(await Eventually.HoldsAsync(async () => await StatusAsync(client, AcmeKey) == HttpStatusCode.Unauthorized, Reload),
                $"the revoked key kept working:{Environment.NewLine}{gateway.Output}");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, AcmeNextKey));

            Assert.False(gateway.HasExited);
            var metrics = await gateway.ReadMetricsAsync(Cancellation);
            Assert.Equal(2, PrometheusText.Value(metrics, "gateway_identity_reloads_total", "outcome=\"applied\""));
            Assert.Equal(0, PrometheusText.Value(metrics, "gateway_identity_reloads_total", "outcome=\"refused\""));
            // Every request the replica saw was signed as acme, under either key.
            Assert.All(Proxied(upstream), request => Assert.Equal("acme", request.VerifiedIdentity().Client));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public async Task An_invalid_change_is_refused_whole_and_the_previous_clients_stay()
    {
        var directory = ScratchDirectory.Create("platform-identity-");
        try
        {
            var file = directory.Combine("clients.json");
            WriteClientsFile(file, new JsonObject { ["acme"] = ClientEntry(ApiKeyDirectory.HashKey(AcmeKey), "standard") });
            var (gateway, _) = await StartAsync(new Dictionary<string, string> { ["Identity__ClientsFile"] = file });
            var client = ClientFor(gateway);

            // Would revoke acme and add globex, but globex's tier does not exist.
            WriteClientsFile(file, new JsonObject { ["globex"] = ClientEntry(ApiKeyDirectory.HashKey(GlobexKey), "gold") });
            Assert.True(await Eventually.HoldsAsync(async () =>
                    PrometheusText.Value(await gateway.ReadMetricsAsync(Cancellation), "gateway_identity_reloads_total", "outcome=\"refused\"") == 1, Reload),
                $"the invalid change was never refused:{Environment.NewLine}{gateway.Output}");

            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, AcmeKey));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, GlobexKey));
            Assert.Contains("Identity:Clients:globex:Policy", gateway.Output.ToString(), StringComparison.Ordinal); // the log names the key

            // Fixed, it applies.
            WriteClientsFile(file, new JsonObject { ["globex"] = ClientEntry(ApiKeyDirectory.HashKey(GlobexKey), "premium") });
            Assert.True(await Eventually.HoldsAsync(async () => await StatusAsync(client, GlobexKey) == HttpStatusCode.OK, Reload),
                $"the corrected change was never applied:{Environment.NewLine}{gateway.Output}");
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, AcmeKey));
        }
        finally
        {
            directory.Delete();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string apiKey)
    {
        using var response = await SendAsync(client, HttpMethod.Get, "/api/v1/health", apiKey);
        return response.StatusCode;
    }
}
