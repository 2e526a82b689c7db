using Platform.Gateway.Identity;

namespace Platform.Gateway.Tests.Identity;

public sealed class IdentityOptionsValidatorTests
{
    private static readonly string ShortKeyFile = WriteTemporary(Convert.ToBase64String(new byte[16]));
    private static readonly string NotBase64File = WriteTemporary("this is not base64!");

    [Fact]
    public void The_shipped_shape_is_valid()
    {
        var result = IdentitySettings.Validator.Validate(null, IdentitySettings.Valid());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, Action<IdentityOptions>> BadSettings => new()
    {
        { "Identity:SigningKeyFile is required", o => o.SigningKeyFile = "" },
        { "Identity:SigningKeyFile: ", o => o.SigningKeyFile = "/nonexistent/identity/signing-key" },
        { "Identity:SigningKeyFile: the key in", o => o.SigningKeyFile = ShortKeyFile },
        { "Identity:SigningKeyFile: ", o => o.SigningKeyFile = NotBase64File },
        { "Identity:Clients:acme corp: a client name", o => o.Clients["acme corp"] = IdentitySettings.Client("k1", "standard") },
        { "Identity:Clients:a;b: a client name", o => o.Clients["a;b"] = IdentitySettings.Client("k1", "standard") },
        { $"Identity:Clients:{new string('x', 65)}: a client name", o => o.Clients[new string('x', 65)] = IdentitySettings.Client("k1", "standard") },
        { "Identity:Clients:anonymous: 'anonymous' is reserved", o => o.Clients["anonymous"] = IdentitySettings.Client("k1", "standard") },
        { "Identity:Clients:Anonymous: 'Anonymous' is reserved", o => o.Clients["Anonymous"] = IdentitySettings.Client("k1", "standard") },
        { "Identity:Clients:unknown: 'unknown' is reserved", o => o.Clients["unknown"] = IdentitySettings.Client("k1", "standard") },
        { "Identity:Clients:acme:Sha256 is required", o => o.Clients["acme"].Sha256 = "" },
        { "Identity:Clients:acme:Sha256 must be 64 hex digits", o => o.Clients["acme"].Sha256 = "secret-in-plain-text" },
        { "Identity:Clients:acme:Sha256 must be 64 hex digits", o => o.Clients["acme"].Sha256 = new string('g', 64) },
        { "Identity:Clients:acme:PreviousSha256 must be 64 hex digits", o => o.Clients["acme"].PreviousSha256 = "abc" },
        { "Identity:Clients:acme:PreviousSha256 is the same key as the client's other digest", o => o.Clients["acme"].PreviousSha256 = o.Clients["acme"].Sha256.ToUpperInvariant() },
        { "is the same key as client 'acme''s", o => o.Clients["globex"].Sha256 = o.Clients["acme"].Sha256.ToUpperInvariant() },
        { "is the same key as client 'acme''s", o => o.Clients["globex"].PreviousSha256 = o.Clients["acme"].Sha256 },
        { "Identity:Clients:acme:Policy 'gold' is not one of RateLimiting:Policies", o => o.Clients["acme"].Policy = "gold" },
        { "Identity:Clients:acme:Policy '' is not one of RateLimiting:Policies", o => o.Clients["acme"].Policy = "" },
        { "Identity:Clients:acme:Scopes:1 'reservations:delete' is not a scope", o => o.Clients["acme"].Scopes = ["reservations:read", "reservations:delete"] },
        { "Identity:Clients:acme:Scopes:0 'Reservations:Read' is not a scope", o => o.Clients["acme"].Scopes = ["Reservations:Read"] },
        { "Identity:Anonymous:Scopes:0 'reservations:read' cannot be given to anonymous callers", o => o.Anonymous.Scopes = ["reservations:read"] },
        { "Identity:Anonymous:Scopes:1 'reservations:admin' cannot be given to anonymous callers", o => o.Anonymous.Scopes = ["reservations:create", "reservations:admin"] },
        { "Identity:Anonymous:Limits:MaxActiveHolds must be between 1 and", o => o.Anonymous.Limits.MaxActiveHolds = 0 },
        { "Identity:Anonymous:Limits:MaxHeldNights must be between 1 and", o => o.Anonymous.Limits.MaxHeldNights = -5 },
        { "Identity:Anonymous:Limits:MaxHeldNights must be between 1 and", o => o.Anonymous.Limits.MaxHeldNights = int.MaxValue },
        { "Identity:Anonymous:Limits:MaxNightsPerReservation must be between 1 and 30", o => o.Anonymous.Limits.MaxNightsPerReservation = 31 },
        { "Identity:Anonymous:Limits:HorizonDays must be between 1 and 36500", o => o.Anonymous.Limits.HorizonDays = 3_000_000 },
        { "Identity:Anonymous:Limits:HoldTime must be between", o => o.Anonymous.Limits.HoldTime = TimeSpan.Zero },
        { "Identity:Clients:acme:Limits:MaxActiveHolds must be between 1 and", o => o.Clients["acme"].Limits = new HoldLimitsOptions { MaxActiveHolds = 0 } },
        { "Identity:Clients:acme:Limits:HoldTime must be between", o => o.Clients["acme"].Limits = new HoldLimitsOptions { HoldTime = TimeSpan.FromDays(30) } },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_refused_naming_its_key(string expected, Action<IdentityOptions> spoil)
    {
        var options = IdentitySettings.Valid();
        spoil(options);

        var result = IdentitySettings.Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Rotation_a_client_without_scopes_and_anonymous_without_any_are_valid()
    {
        var options = IdentitySettings.Valid();
        options.Clients["acme"].PreviousSha256 = ApiKeyDirectory.HashKey(IdentitySettings.AcmeNextKey).ToUpperInvariant();
        options.Clients["globex"].Scopes = null;
        options.Anonymous.Scopes = [];

        var result = IdentitySettings.Validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Anonymous_callers_may_create_unless_told_otherwise()
    {
        Assert.Equal(["reservations:create"], new AnonymousOptions().EffectiveScopes);
        Assert.Empty(new AnonymousOptions { Scopes = [] }.EffectiveScopes);
    }

    private static string WriteTemporary(string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("platform-identity-test-").FullName, "signing-key");
        File.WriteAllText(path, content);
        return path;
    }
}
