using Microsoft.Extensions.Options;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

public sealed class ApiKeyDirectoryTests
{
    private static readonly ApiKeyDirectory Keys = Build(new()
    {
        ["acme"] = new() { Sha256 = ApiKeyDirectory.HashKey("acme-secret-key"), Policy = "standard" },
        ["globex"] = new() { Sha256 = ApiKeyDirectory.HashKey("globex-secret-key").ToUpperInvariant(), Policy = "premium" },
    });

    [Fact]
    public void A_known_key_names_its_client_and_tier()
    {
        Assert.True(Keys.TryFind("acme-secret-key", out var acme));
        Assert.Equal("acme", acme.Name);
        Assert.Equal("standard", acme.Policy.Name);
        Assert.True(Keys.TryFind("globex-secret-key", out var globex));
        Assert.Equal("premium", globex.Policy.Name);
        Assert.NotEqual(acme.Key, globex.Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acme-secret-key ")]
    [InlineData("ACME-SECRET-KEY")]
    [InlineData("ümlaut-ключ-🔑")]
    public void Anything_else_is_unknown(string? presented)
    {
        Assert.False(Keys.TryFind(presented, out _));
    }

    [Fact]
    public void An_overlong_key_is_refused_without_hashing_it()
    {
        var digestOfLong = ApiKeyDirectory.HashKey(new string('k', ApiKeyDirectory.MaxKeyLength + 1));
        var keys = Build(new() { ["long"] = new() { Sha256 = digestOfLong, Policy = "standard" } });

        Assert.False(keys.TryFind(new string('k', ApiKeyDirectory.MaxKeyLength + 1), out _));
        Assert.False(keys.TryFind(string.Concat(Enumerable.Repeat("🔑", ApiKeyDirectory.MaxKeyLength)), out _));
    }

    private static ApiKeyDirectory Build(Dictionary<string, ApiKeyOptions> apiKeys)
    {
        var options = Options.Create(new RateLimitingOptions
        {
            Policies =
            {
                ["anonymous"] = new() { PermitsPerSecond = 1, Burst = 1 },
                ["standard"] = new() { PermitsPerSecond = 200, Burst = 400 },
                ["premium"] = new() { PermitsPerSecond = 1_000, Burst = 2_000 },
            },
            ApiKeys = apiKeys,
        });
        return new ApiKeyDirectory(options, new PolicySet(options, new LimiterClock(TimeProvider.System)));
    }
}
