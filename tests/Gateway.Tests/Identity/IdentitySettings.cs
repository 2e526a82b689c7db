using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Platform.Gateway.Identity;
using Platform.Gateway.RateLimiting;
using Platform.Testing;

namespace Platform.Gateway.Tests.Identity;

/// <summary>Valid identity settings to spoil, and the pieces the directory is built from, for the in-process tests.</summary>
internal static class IdentitySettings
{
    public const string AcmeKey = "acme-7d1f0c2a-key";
    public const string AcmeNextKey = "acme-next-59be33a1-key";
    public const string GlobexKey = "globex-1c4e9a70-key";

    public static IHostEnvironment Environment { get; } = new HostingEnvironment { ContentRootPath = Path.GetTempPath() };

    public static IOptions<RateLimitingOptions> Limits { get; } = Options.Create(new RateLimitingOptions
    {
        Policies =
        {
            ["anonymous"] = new() { PermitsPerSecond = 20, Burst = 40 },
            ["standard"] = new() { PermitsPerSecond = 200, Burst = 400 },
            ["premium"] = new() { PermitsPerSecond = 1_000, Burst = 2_000 },
        },
    });

    public static IdentityOptionsValidator Validator { get; } = new(Limits, Environment);

    public static PolicySet Policies { get; } = new(Limits, new LimiterClock(TimeProvider.System));

    public static IdentityOptions Valid() => new()
    {
        SigningKeyFile = TestIdentity.KeyFile,
        Clients =
        {
            ["acme"] = Client(AcmeKey, "standard", TestIdentity.Create, TestIdentity.Read, TestIdentity.Manage),
            ["globex"] = Client(GlobexKey, "premium", TestIdentity.Read),
        },
    };

    /// <summary>A client in environment form (<c>Identity__Clients__name__…</c>), as a test gateway process reads it.</summary>
    public static Dictionary<string, string> ClientSettings(string name, string key, string policy, params string[] scopes)
    {
        var settings = new Dictionary<string, string>
        {
            [$"Identity__Clients__{name}__Sha256"] = ApiKeyDirectory.HashKey(key),
            [$"Identity__Clients__{name}__Policy"] = policy,
        };
        for (var i = 0; i < scopes.Length; i++)
            settings[$"Identity__Clients__{name}__Scopes__{i}"] = scopes[i];
        return settings;
    }

    public static IdentityClientOptions Client(string key, string policy, params string[] scopes) =>
        new() { Sha256 = ApiKeyDirectory.HashKey(key), Policy = policy, Scopes = scopes };

    public static ApiKeyDirectory Directory(OptionsChanges<IdentityOptions> options) =>
        new(options, Validator, Policies, new IdentityMetrics(), Microsoft.Extensions.Logging.Abstractions.NullLogger<ApiKeyDirectory>.Instance);
}

/// <summary>An options monitor whose value the test changes, as a configuration reload would.</summary>
internal sealed class OptionsChanges<T>(T initial) : IOptionsMonitor<T>
{
    private readonly List<Action<T, string?>> _listeners = [];

    public T CurrentValue { get; private set; } = initial;

    public T Get(string? name) => CurrentValue;

    public void Change(T value)
    {
        CurrentValue = value;
        foreach (var listener in _listeners.ToArray())
            listener(value, Options.DefaultName);
    }

    public IDisposable OnChange(Action<T, string?> listener)
    {
        _listeners.Add(listener);
        return new Unsubscribe(() => _listeners.Remove(listener));
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
