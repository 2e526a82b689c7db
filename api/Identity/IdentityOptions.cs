using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;

namespace Platform.Api.Identity;

/// <summary>
/// The <c>Identity</c> section: the key the gateway signs <c>X-Client-Identity</c> with, and how old
/// a signed header may be (docs/identity.md). The key is read from its file once, at start-up; a
/// missing, unreadable or short key stops the start with a message naming the setting.
/// </summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>
    /// A file holding the key in base64 (<c>./platform up</c> writes <c>.platform/identity/signing-key</c>;
    /// compose mounts the <c>identity_signing_key</c> secret at <c>/run/secrets/identity_signing_key</c>).
    /// No default: a replica that cannot check who is calling must not start.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage =
        "Identity:SigningKeyFile is required (environment: Identity__SigningKeyFile): a file holding the gateway's signing key in base64.")]
    public string SigningKeyFile { get; set; } = "";

    /// <summary>How long ago a header may have been issued, by this replica's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Identity:MaxAge must be between {1} and {2}.")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far ahead of this replica's clock a header may be dated (gateway and replica clocks a little
    /// apart). At most 2 s: a header dated further ahead would outlive <see cref="MaxAge"/> by that much.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:02", ErrorMessage = "Identity:MaxFutureSkew must be between {1} and {2}.")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The key read from <see cref="SigningKeyFile"/>; empty until it was read successfully.</summary>
    internal byte[] SigningKey { get; set; } = [];

    /// <summary>Why the key could not be used, for the start-up error; null when it was read.</summary>
    internal string? SigningKeyProblem { get; set; }

    /// <summary>Reads the key file into <see cref="SigningKey"/>, or says why not in <see cref="SigningKeyProblem"/>. Never shows the key.</summary>
    internal void LoadSigningKey()
    {
        if (string.IsNullOrEmpty(SigningKeyFile))
            return; // [Required] reports it.
        if (IdentityToken.TryReadKeyFile(SigningKeyFile, out var key, out var problem))
            SigningKey = key;
        else
            SigningKeyProblem = $"Identity:SigningKeyFile: {problem}";
    }

    /// <summary>Fails the start when the key file named a key that could not be used.</summary>
    internal sealed class SigningKeyIsUsable : IValidateOptions<IdentityOptions>
    {
        public ValidateOptionsResult Validate(string? name, IdentityOptions options) =>
            options.SigningKeyProblem is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
