using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;

namespace Platform.Gateway.Identity;

/// <summary>
/// The key <c>X-Client-Identity</c> is signed with, read once at start-up from
/// <c>Identity:SigningKeyFile</c> (base64; the replicas hold the same). Changing it needs a restart
/// of the gateway and of every replica together.
/// </summary>
internal sealed class SigningKey
{
    public SigningKey(IOptions<IdentityOptions> options, IHostEnvironment environment)
    {
        if (!TryRead(options.Value.SigningKeyFile, environment, out var key, out var problem))
            throw new OptionsValidationException(Options.DefaultName, typeof(IdentityOptions), [problem]);
        Bytes = key;
    }

    public byte[] Bytes { get; }

    /// <summary>Reads and checks the key file; on failure <paramref name="problem"/> names the setting.</summary>
    public static bool TryRead(string? file, IHostEnvironment environment, out byte[] key, out string problem)
    {
        const string setting = $"{IdentityOptions.Section}:{nameof(IdentityOptions.SigningKeyFile)}";
        key = [];
        problem = "";
        if (string.IsNullOrWhiteSpace(file))
        {
            problem = $"{setting} is required: the file holding the identity signing key (base64), shared with the replicas.";
            return false;
        }

        if (IdentityToken.TryReadKeyFile(Path.GetFullPath(file, environment.ContentRootPath), out key, out var unusable))
            return true;
        problem = $"{setting}: {unusable}";
        return false;
    }
}
