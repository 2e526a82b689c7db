using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.RateLimiting;

/// <summary>Refuses to start with a limit that is missing, impossible or ambiguous, naming the key.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    public const string AnonymousPolicy = "anonymous";

    /// <summary>The name the anonymous ceiling's refusals carry in the RateLimit headers and the 429.</summary>
    public const string AnonymousCeilingPolicy = "anonymous-total";

    /// <summary>Bounds that keep the integer bucket arithmetic far from overflow.</summary>
    private const double MaxPermitsPerSecond = 1_000_000;
    private const int MaxBurst = 10_000_000;

    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        var failures = new List<string>();
        const string section = RateLimitingOptions.Section;

        if (options.MaxPartitions < 1)
        {
            failures.Add($"{section}:MaxPartitions must be at least 1.");
        }
        if (options.SweepInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{section}:SweepInterval must be at least 00:00:00.100.");
        }
        if (!options.Policies.ContainsKey(AnonymousPolicy))
        {
            failures.Add($"{section}:Policies:{AnonymousPolicy} is required: it limits requests without an API key.");
        }
        foreach (var (policy, limits) in options.Policies)
        {
            if (!IsToken(policy))
            {
                failures.Add($"{section}:Policies:{policy}: a policy name must be letters, digits, '-' or '_'.");
            }
            CheckRate($"{section}:Policies:{policy}", limits?.PermitsPerSecond ?? 0, limits?.Burst ?? 0, failures);
        }

        if (options.AnonymousCeiling is { Enabled: true } ceiling)
        {
            CheckRate($"{section}:AnonymousCeiling", ceiling.PermitsPerSecond, ceiling.Burst, failures);
            if (!(ceiling.SeniorReserve >= 0 && ceiling.SeniorReserve < 1))
            {
                failures.Add($"{section}:AnonymousCeiling:SeniorReserve must be at least 0 and below 1 (a share of the burst).");
            }
            if (!(ceiling.DebtorShare > 0 && ceiling.DebtorShare <= 1 - ceiling.SeniorReserve))
            {
                failures.Add($"{section}:AnonymousCeiling:DebtorShare must be above 0 and at most 1 - SeniorReserve: addresses in debt are refused no later than new ones.");
            }
            if (ceiling.PressureWindow < TimeSpan.FromMilliseconds(100) || ceiling.PressureWindow > TimeSpan.FromHours(1))
            {
                failures.Add($"{section}:AnonymousCeiling:PressureWindow must be between 00:00:00.100 and 01:00:00.");
            }
            if (ceiling.SeniorAge < TimeSpan.Zero || ceiling.SeniorAge > TimeSpan.FromHours(1))
            {
                failures.Add($"{section}:AnonymousCeiling:SeniorAge must be between 00:00:00 and 01:00:00.");
            }
            if (ceiling.Retention < TimeSpan.Zero || ceiling.Retention > TimeSpan.FromDays(1))
            {
                failures.Add($"{section}:AnonymousCeiling:Retention must be between 00:00:00 and 1.00:00:00.");
            }
            if (options.Policies.ContainsKey(AnonymousCeilingPolicy))
            {
                failures.Add($"{section}:Policies:{AnonymousCeilingPolicy} is the name the anonymous ceiling answers under; name the policy otherwise.");
            }
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.TrustedProxies[i], out _))
            {
                failures.Add($"{section}:TrustedProxies:{i} '{options.TrustedProxies[i]}' is not an IP address.");
            }
        }
        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedNetworks[i], out _))
            {
                failures.Add($"{section}:TrustedNetworks:{i} '{options.TrustedNetworks[i]}' is not a network in CIDR form (10.0.0.0/8).");
            }
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{section}:RedisTimeout must be above 0 and at most 00:00:10.");
        }
        if (options.RedisRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{section}:RedisRetryAfter must not be negative.");
        }
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(options.Redis);
            }
            catch (ArgumentException error)
            {
                failures.Add($"{section}:Redis is not a valid Redis configuration: {error.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRate(string key, double permitsPerSecond, int burst, List<string> failures)
    {
        if (!(permitsPerSecond > 0 && permitsPerSecond <= MaxPermitsPerSecond))
        {
            failures.Add($"{key}:PermitsPerSecond must be above 0 and at most {MaxPermitsPerSecond.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (burst < 1 || burst > MaxBurst)
        {
            failures.Add($"{key}:Burst must be between 1 and {MaxBurst}.");
        }
    }

    private static bool IsToken(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
