using Microsoft.Extensions.Options;

namespace Platform.Gateway.Identity.FailedAuthentication;

/// <summary>Refuses to start with a lockout that cannot work, naming the key.</summary>
internal sealed class FailedAuthenticationOptionsValidator : IValidateOptions<FailedAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, FailedAuthenticationOptions options)
    {
        const string section = FailedAuthenticationOptions.Section;
        var failures = new List<string>();
        if (options.Threshold is < 1 or > 1_000_000)
        {
            failures.Add($"{section}:Threshold must be between 1 and 1000000.");
        }
        if (options.Cooldown < TimeSpan.FromSeconds(1) || options.Cooldown > TimeSpan.FromDays(1))
        {
            failures.Add($"{section}:Cooldown must be between 00:00:01 and 1.00:00:00.");
        }
        if (options.MaxAddresses is < 1 or > 10_000_000)
        {
            failures.Add($"{section}:MaxAddresses must be between 1 and 10000000.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
