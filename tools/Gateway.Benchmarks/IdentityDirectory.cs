using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.Identity;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Benchmarks;

/// <summary>A directory of one client and a signing key, as the gateway builds them, for <see cref="IdentityBenchmarks"/>.</summary>
internal static class IdentityDirectory
{
    private static readonly HostingEnvironment Environment = new() { ContentRootPath = Path.GetTempPath() };

    public static (ApiKeyDirectory Clients, SigningKey Key) Build(string client, string key, byte[] signingKey)
    {
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("identity-bench-").FullName, "signing-key");
        File.WriteAllText(keyFile, Convert.ToBase64String(signingKey));
        var limits = Options.Create(new RateLimitingOptions { Policies = { ["anonymous"] = new() { PermitsPerSecond = 1, Burst = 1 }, ["standard"] = new() { PermitsPerSecond = 1, Burst = 1 } } });
        var options = new IdentityOptions
        {
            SigningKeyFile = keyFile,
            Clients = { [client] = new() { Sha256 = ApiKeyDirectory.HashKey(key), Policy = "standard", Scopes = [IdentityScopes.Read] } },
        };
        var directory = new ApiKeyDirectory(new FixedMonitor(options),
            new IdentityOptionsValidator(limits, Environment),
            new PolicySet(limits, new LimiterClock(TimeProvider.System)), new IdentityMetrics(), NullLogger<ApiKeyDirectory>.Instance);
        return (directory, new SigningKey(Options.Create(options), Environment));
    }

    private sealed class FixedMonitor(IdentityOptions value) : IOptionsMonitor<IdentityOptions>
    {
        public IdentityOptions CurrentValue => value;

        public IdentityOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<IdentityOptions, string?> listener) => null;
    }
}
