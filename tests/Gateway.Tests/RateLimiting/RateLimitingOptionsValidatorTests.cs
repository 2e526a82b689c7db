using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests.RateLimiting;

public sealed class RateLimitingOptionsValidatorTests
{
    [Fact]
    public void The_shipped_shape_is_valid()
    {
        Assert.True(new RateLimitingOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    public static TheoryData<string, Action<RateLimitingOptions>> BadSettings => new()
    {
        { "RateLimiting:Policies:anonymous is required", o => o.Policies.Remove("anonymous") },
        { "RateLimiting:Policies:standard:PermitsPerSecond", o => o.Policies["standard"].PermitsPerSecond = 0 },
        { "RateLimiting:Policies:standard:PermitsPerSecond", o => o.Policies["standard"].PermitsPerSecond = -5 },
        { "RateLimiting:Policies:standard:PermitsPerSecond", o => o.Policies["standard"].PermitsPerSecond = double.NaN },
        { "RateLimiting:Policies:standard:PermitsPerSecond", o => o.Policies["standard"].PermitsPerSecond = 1e12 },
        { "RateLimiting:Policies:standard:Burst", o => o.Policies["standard"].Burst = 0 },
        { "RateLimiting:Policies:standard:Burst", o => o.Policies["standard"].Burst = 100_000_000 },
        { "RateLimiting:Policies:bad\"name", o => o.Policies["bad\"name"] = new() { PermitsPerSecond = 1, Burst = 1 } },
        { "RateLimiting:MaxPartitions", o => o.MaxPartitions = 0 },
        { "RateLimiting:SweepInterval", o => o.SweepInterval = TimeSpan.Zero },
        { "RateLimiting:TrustedProxies:2 'proxy.local'", o => o.TrustedProxies.Add("proxy.local") },
        { "RateLimiting:TrustedNetworks:1 '10.0.0.0'", o => o.TrustedNetworks.Add("10.0.0.0") },
        { "RateLimiting:TrustedNetworks:1 '10.0.0.0/33'", o => o.TrustedNetworks.Add("10.0.0.0/33") },
        { "RateLimiting:RedisTimeout", o => o.RedisTimeout = TimeSpan.Zero },
        { "RateLimiting:RedisRetryAfter", o => o.RedisRetryAfter = TimeSpan.FromSeconds(-1) },
        { "RateLimiting:AnonymousCeiling:PermitsPerSecond", o => o.AnonymousCeiling.PermitsPerSecond = 0 },
        { "RateLimiting:AnonymousCeiling:PermitsPerSecond", o => o.AnonymousCeiling.PermitsPerSecond = double.PositiveInfinity },
        { "RateLimiting:AnonymousCeiling:Burst", o => o.AnonymousCeiling.Burst = 0 },
        { "RateLimiting:AnonymousCeiling:Burst", o => o.AnonymousCeiling.Burst = -1 },
        { "RateLimiting:AnonymousCeiling:SeniorReserve", o => o.AnonymousCeiling.SeniorReserve = 1 },
        { "RateLimiting:AnonymousCeiling:SeniorReserve", o => o.AnonymousCeiling.SeniorReserve = -0.1 },
        { "RateLimiting:AnonymousCeiling:SeniorReserve", o => o.AnonymousCeiling.SeniorReserve = double.NaN },
        { "RateLimiting:AnonymousCeiling:DebtorShare", o => o.AnonymousCeiling.DebtorShare = 0 },
        { "RateLimiting:AnonymousCeiling:DebtorShare", o => o.AnonymousCeiling.DebtorShare = 0.9 },
        { "RateLimiting:AnonymousCeiling:PressureWindow", o => o.AnonymousCeiling.PressureWindow = TimeSpan.Zero },
        { "RateLimiting:AnonymousCeiling:PressureWindow", o => o.AnonymousCeiling.PressureWindow = TimeSpan.FromDays(2) },
        { "RateLimiting:AnonymousCeiling:SeniorAge", o => o.AnonymousCeiling.SeniorAge = TimeSpan.FromSeconds(-1) },
        { "RateLimiting:AnonymousCeiling:SeniorAge", o => o.AnonymousCeiling.SeniorAge = TimeSpan.FromDays(2) },
        { "RateLimiting:AnonymousCeiling:Retention", o => o.AnonymousCeiling.Retention = TimeSpan.FromSeconds(-1) },
        { "RateLimiting:AnonymousCeiling:Retention", o => o.AnonymousCeiling.Retention = TimeSpan.FromDays(2) },
        { "RateLimiting:Policies:anonymous-total is the name", o => o.Policies["anonymous-total"] = new() { PermitsPerSecond = 1, Burst = 1 } },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_refused_naming_its_key(string expected, Action<RateLimitingOptions> spoil)
    {
        var options = Valid();
        spoil(options);

        var result = new RateLimitingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_disabled_ceiling_is_not_checked()
    {
        var options = Valid();
        options.AnonymousCeiling = new() { Enabled = false, PermitsPerSecond = 0, Burst = 0 };

        Assert.True(new RateLimitingOptionsValidator().Validate(null, options).Succeeded);
    }

    private static RateLimitingOptions Valid() => new()
    {
        AnonymousCeiling = { Enabled = true, PermitsPerSecond = 200, Burst = 400 },
        Policies =
        {
            ["anonymous"] = new() { PermitsPerSecond = 20, Burst = 40 },
            ["standard"] = new() { PermitsPerSecond = 200, Burst = 400 },
        },
        TrustedProxies = { "10.0.0.5", "::1" },
        TrustedNetworks = { "10.1.0.0/16" },
    };
}
