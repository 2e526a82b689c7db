using Platform.Gateway.Identity;
using Platform.Gateway.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

public sealed class ApiKeyDirectoryTests
{
    [Fact]
    public void A_known_key_names_its_client_tier_and_scopes()
    {
        using var keys = IdentitySettings.Directory(new(IdentitySettings.Valid()));

        Assert.True(keys.TryFind(IdentitySettings.AcmeKey, out var acme));
        Assert.Equal("acme", acme.Name);
        Assert.Equal("standard", acme.Policy!.Name);
        Assert.Equal("reservations:create,reservations:read,reservations:manage", acme.Scopes);
        Assert.Equal(ClientKey.ForApiClient("acme"), acme.Key);
        Assert.True(keys.TryFind(IdentitySettings.GlobexKey, out var globex));
        Assert.Equal("premium", globex.Policy!.Name);
        Assert.Equal("reservations:read", globex.Scopes);
        Assert.NotEqual(acme.Key, globex.Key);
    }

    [Fact]
    public void A_keyless_caller_is_anonymous_and_may_create_by_default()
    {
        using var keys = IdentitySettings.Directory(new(IdentitySettings.Valid()));

        var anonymous = keys.Current.Anonymous;

        Assert.Equal("anonymous", anonymous.Name);
        Assert.Equal(TestIdentity.Create, anonymous.Scopes);
        Assert.True(anonymous.IsAnonymous);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acme-7d1f0c2a-key ")]
    [InlineData("ACME-7D1F0C2A-KEY")]
    [InlineData("ümlaut-ключ-🔑")]
    public void Anything_else_is_unknown(string? presented)
    {
        using var keys = IdentitySettings.Directory(new(IdentitySettings.Valid()));

        Assert.False(keys.TryFind(presented, out _));
    }

    [Fact]
    public void An_overlong_key_is_refused_without_hashing_it()
    {
        var options = IdentitySettings.Valid();
        options.Clients["long"] = new() { Sha256 = ApiKeyDirectory.HashKey(new string('k', ApiKeyDirectory.MaxKeyLength + 1)), Policy = "standard" };
        using var keys = IdentitySettings.Directory(new(options));

        Assert.False(keys.TryFind(new string('k', ApiKeyDirectory.MaxKeyLength + 1), out _));
        Assert.False(keys.TryFind(string.Concat(Enumerable.Repeat("🔑", ApiKeyDirectory.MaxKeyLength)), out _));
    }

    [Fact]
    public void While_a_key_is_rotated_the_old_and_the_new_key_name_the_same_client()
    {
        var options = IdentitySettings.Valid();
        options.Clients["acme"].PreviousSha256 = options.Clients["acme"].Sha256;
        options.Clients["acme"].Sha256 = ApiKeyDirectory.HashKey(IdentitySettings.AcmeNextKey);
        using var keys = IdentitySettings.Directory(new(options));

        Assert.True(keys.TryFind(IdentitySettings.AcmeKey, out var old));
        Assert.True(keys.TryFind(IdentitySettings.AcmeNextKey, out var next));
        Assert.Same(old, next);
        Assert.Equal(2, keys.Current.Count); // acme and globex: two clients, three digests
    }

    [Fact]
    public void A_reload_applies_new_clients_revokes_removed_ones_and_keeps_each_clients_bucket()
    {
        var monitor = new OptionsChanges<Platform.Gateway.Identity.IdentityOptions>(IdentitySettings.Valid());
        using var keys = IdentitySettings.Directory(monitor);
        Assert.True(keys.TryFind(IdentitySettings.GlobexKey, out var globexBefore));

        var changed = IdentitySettings.Valid();
        changed.Clients.Remove("acme");
        changed.Clients["initech"] = IdentitySettings.Client("initech-key", "standard", TestIdentity.Read);
        changed.Anonymous.Scopes = [];
        monitor.Change(changed);

        Assert.False(keys.TryFind(IdentitySettings.AcmeKey, out _));
        Assert.True(keys.TryFind("initech-key", out var initech));
        Assert.Equal("initech", initech.Name);
        Assert.True(keys.TryFind(IdentitySettings.GlobexKey, out var globexAfter));
        Assert.Equal(globexBefore.Key, globexAfter.Key);
        Assert.Equal("", keys.Current.Anonymous.Scopes);
    }

    [Fact]
    public void An_invalid_reload_is_refused_whole_and_the_previous_clients_stay()
    {
        var monitor = new OptionsChanges<Platform.Gateway.Identity.IdentityOptions>(IdentitySettings.Valid());
        using var keys = IdentitySettings.Directory(monitor);
        var before = keys.Current;

        var invalid = IdentitySettings.Valid();
        invalid.Clients.Remove("acme");                                          // would revoke acme, but...
        invalid.Clients["initech"] = IdentitySettings.Client("initech-key", "gold"); // ...this one is wrong
        monitor.Change(invalid);

        Assert.Same(before, keys.Current);
        Assert.True(keys.TryFind(IdentitySettings.AcmeKey, out _));
        Assert.False(keys.TryFind("initech-key", out _));

        // Fixed, it applies.
        invalid.Clients["initech"].Policy = "standard";
        monitor.Change(invalid);
        Assert.False(keys.TryFind(IdentitySettings.AcmeKey, out _));
        Assert.True(keys.TryFind("initech-key", out _));
    }

    [Fact]
    public void Invalid_settings_at_start_up_stop_the_gateway_naming_the_key()
    {
        var options = IdentitySettings.Valid();
        options.Clients["acme"].Policy = "gold";

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => IdentitySettings.Directory(new(options)));

        Assert.Contains("Identity:Clients:acme:Policy 'gold'", failure.Message, StringComparison.Ordinal);
    }
}
