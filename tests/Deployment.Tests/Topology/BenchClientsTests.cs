using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Deployment.Tests.Topology;

/// <summary>The bench clients' keys and the gateway's clients file written from them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BenchClientsTests : IDisposable
{
    private readonly ScratchDirectory _state = ScratchDirectory.Create("platform-bench-keys-");

    private string KeysFile => _state.Combine("api-keys.json");

    private string ClientsFile => _state.Combine("clients.json");

    public void Dispose() => _state.Delete();

    [Fact]
    public void Every_bench_client_gets_a_key_and_the_gateway_only_its_digest_policy_and_scopes()
    {
        BenchClients.Ensure(KeysFile, ClientsFile);

        var keys = BenchClients.ReadKeys(KeysFile);
        Assert.Equal(BenchClients.Names, keys.Keys);
        Assert.All(keys.Values, key => Assert.Matches("^[A-Za-z0-9]{32}$", key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeysFile));

        var clients = JsonNode.Parse(File.ReadAllText(ClientsFile))!["Identity"]!["Clients"]!.AsObject();
        Assert.Equal(BenchClients.Names.Select(BenchClients.ClientId), clients.Select(c => c.Key));
        foreach (var (name, key) in keys)
        {
            var client = clients[BenchClients.ClientId(name)]!;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), (string?)client["Sha256"]);
            Assert.DoesNotContain(key, File.ReadAllText(ClientsFile), StringComparison.Ordinal);
            Assert.Equal(name == BenchClients.Load ? "loadtest" : "standard", (string?)client["Policy"]);
            var scopes = client["Scopes"]!.AsArray().Select(s => (string?)s).ToList();
            Assert.Equal(name == BenchClients.Admin, scopes.Contains("reservations:admin"));
            Assert.Equal(name != BenchClients.Admin, scopes.Contains("reservations:create"));
        }
    }

    [Fact]
    public void Keys_are_kept_across_runs_and_a_missing_one_is_added_without_changing_the_others()
    {
        BenchClients.Ensure(KeysFile, ClientsFile);
        var before = BenchClients.ReadKeys(KeysFile);
        // An operator's own client, added beside the bench clients (by hand or with issue-key).
        File.WriteAllText(ClientsFile, "{ \"Identity\": { \"Clients\": { \"edited\": { \"Sha256\": \"" + new string('c', 64) + "\", \"Policy\": \"standard\" } } } }");

        BenchClients.Ensure(KeysFile, ClientsFile);
        Assert.Equal(before, BenchClients.ReadKeys(KeysFile));
        Assert.Contains("edited", File.ReadAllText(ClientsFile), StringComparison.Ordinal);

        var fewer = before.Where(k => k.Key != BenchClients.Noisy).ToDictionary();
        File.WriteAllText(KeysFile, System.Text.Json.JsonSerializer.Serialize(fewer));
        BenchClients.Ensure(KeysFile, ClientsFile);
        var after = BenchClients.ReadKeys(KeysFile);
        Assert.All(fewer, k => Assert.Equal(k.Value, after[k.Key]));
        Assert.True(after.ContainsKey(BenchClients.Noisy));
        Assert.Contains(BenchClients.ClientId(BenchClients.Noisy), File.ReadAllText(ClientsFile), StringComparison.Ordinal);
        // Writing the missing bench client kept the operator's.
        Assert.Contains("edited", File.ReadAllText(ClientsFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[\"load\", \"noisy\"]")]
    [InlineData("{ \"load\": 42 }")]
    public void A_spoiled_keys_file_is_refused_with_what_to_do(string content)
    {
        File.WriteAllText(KeysFile, content);
        var error = Assert.Throws<PlatformException>(() => BenchClients.Ensure(KeysFile, ClientsFile));
        Assert.Contains("move it away and run 'up' again", error.Message, StringComparison.Ordinal);
    }
}
