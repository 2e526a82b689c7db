using Platform.Gateway.Identity;
using Platform.Gateway.Tests.Proxy;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>A wrong identity setting stops the gateway at start-up with a message naming the key.</summary>
public sealed class IdentityStartupTests : GatewayTest
{
    private static readonly string Digest = ApiKeyDirectory.HashKey("some-key");

    public static TheoryData<Dictionary<string, string>, string> WrongSettings => new()
    {
        { new() { ["Identity__SigningKeyFile"] = "" }, "Identity:SigningKeyFile is required" },
        { new() { ["Identity__SigningKeyFile"] = "/nonexistent/identity/signing-key" }, "Identity:SigningKeyFile" },
        { new() { ["Identity__ClientsFile"] = "/nonexistent/identity/clients.json" }, "Identity:ClientsFile" },
        { new() { ["Identity__Clients__anonymous__Sha256"] = Digest, ["Identity__Clients__anonymous__Policy"] = "standard" }, "Identity:Clients:anonymous" },
        { new() { ["Identity__Clients__acme__Sha256"] = "plain-text-key", ["Identity__Clients__acme__Policy"] = "standard" }, "Identity:Clients:acme:Sha256" },
        { new() { ["Identity__Clients__acme__Sha256"] = Digest, ["Identity__Clients__acme__Policy"] = "gold" }, "Identity:Clients:acme:Policy 'gold'" },
        { new() { ["Identity__Clients__acme__Sha256"] = Digest, ["Identity__Clients__acme__Policy"] = "standard", ["Identity__Clients__acme__Scopes__0"] = "everything" }, "Identity:Clients:acme:Scopes:0 'everything'" },
        { new() { ["Identity__Anonymous__Scopes__0"] = TestIdentity.Read }, "Identity:Anonymous:Scopes:0" },
        {
            new()
            {
                ["Identity__Clients__acme__Sha256"] = Digest, ["Identity__Clients__acme__Policy"] = "standard",
                ["Identity__Clients__globex__Sha256"] = Digest.ToUpperInvariant(), ["Identity__Clients__globex__Policy"] = "standard",
            },
            "is the same key as client 'acme''s"
        },
    };

    [Theory]
    [MemberData(nameof(WrongSettings))]
    public async Task A_wrong_identity_setting_stops_the_gateway_with_a_message_naming_it(Dictionary<string, string> settings, string named)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(new Dictionary<string, Uri>(), settings));

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
